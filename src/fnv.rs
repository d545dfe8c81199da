//! FNV-1a, the hasher of the scan's look-up tables whose keys are short
//! strings it found itself (training-config keys, URLs). The default
//! hasher's protection against chosen collisions buys nothing for tables
//! that live for one scan and are capped by what was read, and SipHash was
//! a fifth of the scan of a release with two thousand results files.

/// The hasher state; use through [`FnvMap`].
#[derive(Default)]
pub(crate) struct Fnv(u64);

/// A `HashMap` hashed with FNV-1a.
pub(crate) type FnvMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

#[cfg(test)]
mod tests {
    use super::FnvMap;

    #[test]
    fn keys_are_found_and_distinct_keys_kept_apart() {
        let mut map: FnvMap<&str, u32> = FnvMap::default();
        map.insert("learning_rate", 1);
        map.insert("lr", 2);
        assert_eq!(map.get("learning_rate"), Some(&1));
        assert_eq!(map.get("lr"), Some(&2));
        assert_eq!(map.get("l"), None);
    }
}
