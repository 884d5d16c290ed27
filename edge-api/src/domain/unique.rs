//! One way to drop repeats from a list a client sends (tags, widget domains): the first
//! occurrence of each item stays, in the order given. `Vec::dedup` is not it: it drops
//! only adjacent repeats, so `["vip", "x", "vip"]` would keep both `"vip"`s.

/// `items` with every repeat of an earlier item removed, order kept. Quadratic, for the
/// short lists a request carries (tens of items).
pub fn first_occurrences<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_repeat_anywhere_goes_and_the_first_stays_where_it_was() {
        assert_eq!(first_occurrences(vec!["vip", "x", "vip"]), ["vip", "x"]);
        assert_eq!(
            first_occurrences(vec!["x", "vip", "vip", "x"]),
            ["x", "vip"]
        );
        assert_eq!(first_occurrences(Vec::<&str>::new()), Vec::<&str>::new());
    }

    proptest! {
        #[test]
        fn nothing_repeats_nothing_is_lost_and_the_order_is_of_first_sight(
            items in proptest::collection::vec(0u8..6, 0..30)
        ) {
            let kept = first_occurrences(items.clone());
            for (i, a) in kept.iter().enumerate() {
                prop_assert!(!kept[i + 1..].contains(a));
            }
            for item in &items {
                prop_assert!(kept.contains(item));
            }
            let firsts: Vec<usize> = kept
                .iter()
                .map(|k| items.iter().position(|i| i == k).unwrap())
                .collect();
            prop_assert!(firsts.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
