//! The hasher of the scan's look-up tables whose keys are strings it found
//! itself (training-config keys, URLs): FNV-1a's xor-then-multiply step,
//! taken a 64-bit word at a time, with a final mix. The default hasher's
//! protection against chosen collisions buys nothing for tables that live
//! for one scan and are capped by what was read: SipHash was a fifth of the
//! scan of a release with two thousand results files, and byte-at-a-time
//! FNV-1a still cost a code repository 3 ms over 16,000 URLs of 120 bytes.

/// The hasher state; use through [`FnvMap`].
#[derive(Default)]
pub(crate) struct Fnv(u64);

/// A `HashMap` hashed with [`Fnv`].
pub(crate) type FnvMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// An odd constant with bits spread over the word (2^64 / golden ratio):
/// FNV's own prime barely moves a whole word's bits.
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        // A multiply carries low bits up, never down: the final mix brings
        // every byte's influence to the low bits the table indexes by.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { OFFSET } else { self.0 };
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let word = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
            h = (h ^ word).wrapping_mul(MULTIPLIER);
        }
        for &b in words.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(MULTIPLIER);
        }
        self.0 = h;
    }
}

#[cfg(test)]
mod tests {
    use super::{Fnv, FnvMap};
    use std::hash::{BuildHasher, BuildHasherDefault};

    #[test]
    fn keys_are_found_and_distinct_keys_kept_apart() {
        let mut map: FnvMap<&str, u32> = FnvMap::default();
        map.insert("learning_rate", 1);
        map.insert("lr", 2);
        assert_eq!(map.get("learning_rate"), Some(&1));
        assert_eq!(map.get("lr"), Some(&2));
        assert_eq!(map.get("l"), None);
    }

    #[test]
    fn urls_differing_in_one_byte_spread_over_the_low_bits() {
        // Data URLs of a config differ in one digit in the middle of a word;
        // the table indexes by the low bits, so those must differ too.
        let build = BuildHasherDefault::<Fnv>::default();
        let low: std::collections::BTreeSet<u64> = (0..256u32)
            .map(|i| {
                let url = format!("http://data.example.org/run/part-{i:03}-00000.npy");
                build.hash_one(url.as_str()) & 0xff
            })
            .collect();
        assert!(low.len() > 128, "only {} of 256 low bytes", low.len());
    }
}
