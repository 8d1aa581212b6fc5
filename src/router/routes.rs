//! The routing table: which accounts a request is tried at, in which order.
//!
//! Routes are tried in config order and the first whose filters all match wins; a filter
//! left out matches everything. A filter the request cannot answer (a `countries` filter
//! and a request without a billing country, a `networks` filter and a card whose network
//! cannot be told) does not match: routing a card on a guess could send it to an account
//! that cannot take it.
//!
//! * `networks`: the card's preferred network (a co-badged card's choice), else the network
//!   its BIN says ([`network_of_bin`]);
//! * `currencies`: ISO 4217 codes;
//! * `countries`: ISO 3166-1 alpha-2, matched against the billing address's country (the
//!   request carries no issuing country, and this crate ships no BIN-to-country table);
//! * `bin_ranges`: `"400000-499999"` or a single prefix `"4571"`, compared on the card
//!   number's first digits;
//! * `channels`: `browser`, `app`, `three_ri` (a request without a channel is `browser`);
//! * `min_amount`, `max_amount`: minor units, inclusive.
//!
//! A route's accounts are tried in the listed order, unless any of them has a `weight`:
//! then the order is a weighted random draw without replacement (an account of weight 3
//! comes first three times as often as one of weight 1; an account without a weight counts
//! 1), from a seedable generator ([`Rng`]) so tests see fixed orders.

use crate::model::Network;
use crate::request::{AuthenticationRequest, Channel};

/// An inclusive range of card-number prefixes of one length (1 to 8 digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinRange {
    low: String,
    high: String,
}

impl BinRange {
    /// Reads `"400000-499999"` or `"4571"`; `None` when it is not that shape (both ends
    /// 1 to 8 digits, of the same length, low <= high).
    pub fn parse(text: &str) -> Option<BinRange> {
        let (low, high) = text.split_once('-').unwrap_or((text, text));
        let (low, high) = (low.trim(), high.trim());
        let digits = |s: &str| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        (digits(low) && digits(high) && low.len() == high.len() && low <= high).then(|| BinRange {
            low: low.to_owned(),
            high: high.to_owned(),
        })
    }

    /// Whether the card number's prefix of the range's length lies in the range.
    pub fn contains(&self, number: &str) -> bool {
        number
            .get(..self.low.len())
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            .is_some_and(|prefix| prefix >= self.low.as_str() && prefix <= self.high.as_str())
    }
}

/// The network a card number's leading digits belong to, from the networks' published
/// IIN ranges (Visa 4; Mastercard 51-55 and 2221-2720; American Express 34, 37; Discover
/// 6011, 644-649, 65; Diners Club 36, 38-39, 300-305; JCB 3528-3589; UnionPay 62; Maestro
/// 50, 56-58, 6304, 6759, 676770, 676774). `None` for anything else, and for Cartes
/// Bancaires, whose cards carry a Visa or Mastercard BIN as well (the request's
/// `preferred_network` names it).
pub fn network_of_bin(number: &str) -> Option<Network> {
    let prefix = |n: usize| -> Option<u32> { number.get(..n)?.parse().ok() };
    let within =
        |n: usize, low: u32, high: u32| prefix(n).is_some_and(|p| (low..=high).contains(&p));
    if within(1, 4, 4) {
        Some(Network::Visa)
    } else if within(2, 51, 55) || within(4, 2221, 2720) {
        Some(Network::Mastercard)
    } else if within(2, 34, 34) || within(2, 37, 37) {
        Some(Network::Amex)
    } else if within(4, 6011, 6011) || within(3, 644, 649) || within(2, 65, 65) {
        Some(Network::Discover)
    } else if within(4, 3528, 3589) {
        Some(Network::Jcb)
    } else if within(2, 36, 36) || within(2, 38, 39) || within(3, 300, 305) {
        Some(Network::Diners)
    } else if within(2, 62, 62) {
        Some(Network::Unionpay)
    } else if within(2, 50, 50)
        || within(2, 56, 58)
        || within(4, 6304, 6304)
        || within(4, 6759, 6759)
        || within(6, 676770, 676770)
        || within(6, 676774, 676774)
    {
        Some(Network::Maestro)
    } else {
        None
    }
}

/// The filters of one route; `None` (or left out of the config) matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub networks: Option<Vec<Network>>,
    /// Upper case.
    pub currencies: Option<Vec<String>>,
    /// Upper case.
    pub countries: Option<Vec<String>>,
    pub bin_ranges: Option<Vec<BinRange>>,
    pub channels: Option<Vec<Channel>>,
    pub min_amount: Option<u64>,
    pub max_amount: Option<u64>,
}

impl Filters {
    /// Whether every filter matches `request`.
    pub fn matches(&self, request: &AuthenticationRequest) -> bool {
        let number = request
            .card
            .as_ref()
            .and_then(|c| c.number.as_ref())
            .map(|n| n.expose());
        let network = request
            .card
            .as_ref()
            .and_then(|c| c.preferred_network)
            .or_else(|| number.and_then(network_of_bin));
        let currency = request.currency.as_deref().map(str::to_ascii_uppercase);
        let country = request
            .billing_address
            .as_ref()
            .and_then(|a| a.country.as_deref())
            .map(str::to_ascii_uppercase);
        let channel = request.channel.unwrap_or(Channel::Browser);
        let amount = request.amount;
        one_of(&self.networks, network.as_ref())
            && one_of(&self.currencies, currency.as_ref())
            && one_of(&self.countries, country.as_ref())
            && one_of(&self.channels, Some(&channel))
            && self
                .bin_ranges
                .as_ref()
                .is_none_or(|ranges| number.is_some_and(|n| ranges.iter().any(|r| r.contains(n))))
            && self
                .min_amount
                .is_none_or(|min| amount.is_some_and(|a| a >= min))
            && self
                .max_amount
                .is_none_or(|max| amount.is_some_and(|a| a <= max))
    }
}

/// A filter list matches when absent, or when the request's value is in it.
fn one_of<T: PartialEq>(filter: &Option<Vec<T>>, value: Option<&T>) -> bool {
    filter
        .as_ref()
        .is_none_or(|list| value.is_some_and(|v| list.contains(v)))
}

/// One `[[route]]`: filters and the accounts to try.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The route's position in the config, from 1 (names it in messages and attempts).
    pub number: usize,
    pub filters: Filters,
    /// Account names, in the order to try them (before any weighting).
    pub accounts: Vec<String>,
}

/// The routes, in config order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutingTable {
    pub routes: Vec<Route>,
}

impl RoutingTable {
    /// The first route whose filters all match `request`.
    pub fn select(&self, request: &AuthenticationRequest) -> Option<&Route> {
        self.routes.iter().find(|r| r.filters.matches(request))
    }
}

/// The order to try `accounts` in: as listed when `weight` gives none of them a weight,
/// else a weighted draw without replacement (a missing weight counts 1, a weight of 0
/// puts the account last).
pub fn order<'a>(
    accounts: &'a [String],
    weight: impl Fn(&str) -> Option<u32>,
    rng: &mut Rng,
) -> Vec<&'a str> {
    let mut left: Vec<(&str, u64)> = accounts
        .iter()
        .map(|a| (a.as_str(), weight(a).map(u64::from)))
        .map(|(a, w)| (a, w.unwrap_or(1)))
        .collect();
    if accounts.iter().all(|a| weight(a).is_none()) {
        return left.into_iter().map(|(a, _)| a).collect();
    }
    let mut ordered = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let total: u64 = left.iter().map(|(_, w)| w).sum();
        let index = if total == 0 {
            0
        } else {
            let mut ticket = rng.below(total);
            left.iter()
                .position(|(_, w)| {
                    if ticket < *w {
                        true
                    } else {
                        ticket -= w;
                        false
                    }
                })
                .unwrap_or(0)
        };
        ordered.push(left.remove(index).0);
    }
    ordered
}

/// A small seedable generator (SplitMix64), reproducible from its seed on every platform:
/// weighted orders, routed ids and `simulate-routing`'s fault draws. Not for secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Seeded from the clock and the process, for production.
    pub fn from_entropy() -> Rng {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        Rng(nanos ^ (u64::from(std::process::id()) << 32))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// An index into a slice of `len` items (`len` > 0).
    pub fn index(&mut self, len: usize) -> usize {
        let len = u64::try_from(len).unwrap_or(u64::MAX);
        usize::try_from(self.below(len)).unwrap_or(0)
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        // The top 53 bits make an exactly representable fraction.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Address, Card};
    use threeds_wire::CardNumber;

    fn request(pan: &str, currency: &str, amount: u64) -> AuthenticationRequest {
        AuthenticationRequest {
            amount: Some(amount),
            currency: Some(currency.into()),
            card: Some(Card {
                number: Some(CardNumber::new(pan)),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn route(number: usize, filters: Filters, accounts: &[&str]) -> Route {
        Route {
            number,
            filters,
            accounts: accounts.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn networks_come_from_the_bin_or_the_cardholders_choice() {
        assert_eq!(network_of_bin("4242424242424242"), Some(Network::Visa));
        assert_eq!(
            network_of_bin("5436031030606378"),
            Some(Network::Mastercard)
        );
        assert_eq!(
            network_of_bin("2223000048410010"),
            Some(Network::Mastercard)
        );
        assert_eq!(network_of_bin("378282246310005"), Some(Network::Amex));
        assert_eq!(network_of_bin("6011111111111117"), Some(Network::Discover));
        assert_eq!(network_of_bin("3530111333300000"), Some(Network::Jcb));
        assert_eq!(network_of_bin("5033951000000004"), Some(Network::Maestro));
        assert_eq!(network_of_bin("9999"), None);
        assert_eq!(network_of_bin(""), None);
        let visa_only = Filters {
            networks: Some(vec![Network::Visa]),
            ..Default::default()
        };
        let mut r = request("5436031030606378", "EUR", 100);
        assert!(!visa_only.matches(&r));
        if let Some(card) = r.card.as_mut() {
            card.preferred_network = Some(Network::Visa);
        }
        assert!(visa_only.matches(&r));
    }

    #[test]
    fn the_first_route_whose_filters_all_match_wins() {
        let table = RoutingTable {
            routes: vec![
                route(
                    1,
                    Filters {
                        currencies: Some(vec!["GBP".into()]),
                        bin_ranges: Some(vec![BinRange::parse("424242-424242").unwrap()]),
                        ..Default::default()
                    },
                    &["uk"],
                ),
                route(
                    2,
                    Filters {
                        countries: Some(vec!["FR".into()]),
                        ..Default::default()
                    },
                    &["fr"],
                ),
                route(
                    3,
                    Filters {
                        min_amount: Some(100),
                        max_amount: Some(5000),
                        channels: Some(vec![Channel::Browser]),
                        ..Default::default()
                    },
                    &["small"],
                ),
            ],
        };
        let pick = |r: &AuthenticationRequest| table.select(r).map(|r| r.number);
        assert_eq!(pick(&request("4242424242424242", "gbp", 100)), Some(1));
        // Same currency, another BIN: route 1 no longer matches.
        assert_eq!(pick(&request("4000000000000002", "GBP", 100)), Some(3));
        let mut fr = request("4000000000000002", "EUR", 9000);
        fr.billing_address = Some(Address {
            country: Some("fr".into()),
            ..Default::default()
        });
        assert_eq!(pick(&fr), Some(2));
        // Amount bounds are inclusive; outside them nothing matches.
        assert_eq!(pick(&request("4000000000000002", "EUR", 5000)), Some(3));
        assert_eq!(pick(&request("4000000000000002", "EUR", 5001)), None);
        let mut app = request("4000000000000002", "EUR", 100);
        app.channel = Some(Channel::App);
        assert_eq!(pick(&app), None);
        // A filter the request cannot answer does not match.
        let mut no_amount = request("4000000000000002", "EUR", 100);
        no_amount.amount = None;
        assert_eq!(pick(&no_amount), None);
    }

    #[test]
    fn bin_ranges_are_checked() {
        assert!(BinRange::parse("400000-499999").is_some());
        assert!(BinRange::parse("4571").is_some());
        for bad in ["", "4-49", "49-40", "4a", "123456789", "-", "40-"] {
            assert!(BinRange::parse(bad).is_none(), "{bad}");
        }
        let r = BinRange::parse("4000-4999").unwrap();
        assert!(r.contains("4485040371536584"));
        assert!(!r.contains("5436031030606378"));
        assert!(!r.contains("45"));
    }

    #[test]
    fn accounts_keep_their_order_unless_weighted() {
        let accounts: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let mut rng = Rng::seeded(7);
        assert_eq!(order(&accounts, |_| None, &mut rng), ["a", "b", "c"]);
        // Weights 8:1:1: `a` comes first about 80% of the time, and every order holds
        // every account once.
        let weight = |a: &str| Some(if a == "a" { 8 } else { 1 });
        let mut first_a = 0;
        for _ in 0..1000 {
            let o = order(&accounts, weight, &mut rng);
            let mut sorted = o.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, ["a", "b", "c"]);
            if o[0] == "a" {
                first_a += 1;
            }
        }
        assert!((720..=880).contains(&first_a), "{first_a}");
        // The same seed gives the same orders.
        let a: Vec<_> = (0..5)
            .map(|_| order(&accounts, weight, &mut Rng::seeded(42)))
            .collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        // A weight of 0 goes last.
        let zero = |a: &str| Some(if a == "a" { 0 } else { 1 });
        for _ in 0..20 {
            assert_eq!(order(&accounts, zero, &mut rng).last(), Some(&"a"));
        }
    }
}
