//! Memory maps that survive their file shrinking underneath them.
//!
//! The scan maps weights files read-only. If another process truncates a
//! mapped file (a download being retried, an attacker racing the scan in a
//! shared CI workspace), the next touch of a page past the new end raises
//! SIGBUS, which kills the process: reproduced by
//! `files_changing_during_the_scan_never_kill_it` in tests/fs_hazards.rs.
//! Checking the size first does not help (the truncation can land between
//! the check and the touch), and reading whole files instead of mapping
//! them would make memory grow with the weights.
//!
//! So while a map is parsed it is registered here, and a SIGBUS handler
//! turns a fault inside a registered map into a zero-filled page
//! (`MAP_FIXED` anonymous mapping over the faulting page) and remembers it.
//! The parser then reads zeros where the file's bytes vanished, finishes,
//! and the scan discards its result and reports the file as `unreadable`
//! ("changed while being read"). A SIGBUS outside any registered map is
//! handed back to the previous handler, so real faults still kill.

/// A registered map; unregisters on drop.
pub struct Watch {
    #[cfg(target_os = "linux")]
    slot: usize,
}

impl Watch {
    /// Whether a page of the map faulted (the file shrank) since `watch`.
    pub fn faulted(&self) -> bool {
        #[cfg(target_os = "linux")]
        {
            imp::FAULTED[self.slot].load(std::sync::atomic::Ordering::SeqCst)
        }
        #[cfg(not(target_os = "linux"))]
        {
            false
        }
    }
}

/// Registers `map` until the returned guard drops. `None` when all slots
/// are taken (more maps parsed at once than [`imp::SLOTS`]); the caller must
/// then not touch the map.
pub fn watch(map: &[u8]) -> Option<Watch> {
    #[cfg(target_os = "linux")]
    {
        imp::register(map.as_ptr() as usize, map.len()).map(|slot| Watch { slot })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = map;
        Some(Watch {})
    }
}

#[cfg(target_os = "linux")]
impl Drop for Watch {
    fn drop(&mut self) {
        imp::unregister(self.slot);
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    /// Maps parsed at the same time: one per scanning thread is enough.
    pub const SLOTS: usize = 256;
    static START: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
    static END: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
    pub static FAULTED: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
    static PAGE: AtomicUsize = AtomicUsize::new(0);
    /// The handler that was there before (Rust's own stack-overflow
    /// handler, usually), restored for faults that are not ours.
    static PREVIOUS: OnceLock<Option<libc::sigaction>> = OnceLock::new();

    // The one unsafe block below carries its SAFETY note.
    #[allow(unsafe_code)]
    fn install() -> bool {
        PREVIOUS
            .get_or_init(|| {
                // SAFETY: plain libc calls on zeroed, fully initialised
                // structs; the handler only uses async-signal-safe
                // operations (atomics, mmap, sigaction).
                unsafe {
                    PAGE.store(libc::sysconf(libc::_SC_PAGESIZE) as usize, Ordering::SeqCst);
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = on_sigbus as *const () as usize;
                    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                    libc::sigemptyset(&mut action.sa_mask);
                    let mut previous: libc::sigaction = std::mem::zeroed();
                    (libc::sigaction(libc::SIGBUS, &action, &mut previous) == 0).then_some(previous)
                }
            })
            .is_some()
    }

    pub fn register(start: usize, len: usize) -> Option<usize> {
        if !install() || start == 0 {
            return None;
        }
        for slot in 0..SLOTS {
            if START[slot]
                .compare_exchange(0, start, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                FAULTED[slot].store(false, Ordering::SeqCst);
                END[slot].store(start.saturating_add(len), Ordering::SeqCst);
                return Some(slot);
            }
        }
        None
    }

    pub fn unregister(slot: usize) {
        END[slot].store(0, Ordering::SeqCst);
        START[slot].store(0, Ordering::SeqCst);
    }

    // Each of the three unsafe blocks below carries its SAFETY note.
    #[allow(unsafe_code)]
    extern "C" fn on_sigbus(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo_t for SA_SIGINFO.
        let addr = unsafe { (*info).si_addr() } as usize;
        let page = PAGE.load(Ordering::SeqCst).max(1);
        for slot in 0..SLOTS {
            let start = START[slot].load(Ordering::SeqCst);
            if start == 0 || addr < start || addr >= END[slot].load(Ordering::SeqCst) {
                continue;
            }
            let at = addr & !(page - 1);
            // SAFETY: the page lies inside a read-only map this process
            // owns and only reads; replacing it with a zero page changes
            // what the parser reads, never memory anyone writes.
            let mapped = unsafe {
                libc::mmap(
                    at as *mut libc::c_void,
                    page,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if mapped != libc::MAP_FAILED {
                FAULTED[slot].store(true, Ordering::SeqCst);
                // Returning retries the read, which now sees zeros.
                return;
            }
        }
        // Not ours: put the previous handler back; the faulting access is
        // retried and handled (or kills) as if we had never been here.
        if let Some(Some(previous)) = PREVIOUS.get() {
            // SAFETY: restoring a sigaction the kernel gave us.
            unsafe { libc::sigaction(libc::SIGBUS, previous, std::ptr::null_mut()) };
        }
    }
}
