//! How many changes to ask for per page, following the link (issue 12).
//!
//! Each page is committed on its own, so a cut loses at most the page in flight;
//! the page size decides how much that is, and how many round trips a pull costs.
//! On loopback or Wi-Fi a big page is best; on 2G (35 kbit/s) a 200-procedure page
//! (about 140 KB compressed) takes half a minute, and on a flapping link that is up
//! for 5 s at a time no such page ever arrives. So each resource starts from a
//! size that suits it and adapts like TCP's window: a page that arrived quickly
//! doubles the next one, a slow page or a page cut in flight (its answer had
//! begun) halves it. A request that failed before any answer (refused, reset or
//! unreachable while the link is down) says nothing about the page size and
//! changes nothing. The learned size is kept per resource, so the next sync
//! starts from it; the driver keeps a grown size only once a page of that size
//! has arrived.
//!
//! Pure arithmetic: the driver measures the time and does the storing.

use std::time::Duration;

use congdan_protocol::sync::MAX_PAGE_LIMIT;

use super::machine::Resource;

/// A page answered faster than this asks for twice as many changes next.
pub const FAST_PAGE: Duration = Duration::from_secs(3);
/// A page slower than this asks for half as many next: a cut should not cost more
/// (it is also the whole-request timeout that pages used to have).
pub const SLOW_PAGE: Duration = Duration::from_secs(30);
/// Fewest changes ever asked for: one, because a single procedure can be 2–7 KB
/// compressed, and a link up 5 s at a time carries about 7 KB per up period; a
/// page that never fits would stop the pull for good.
pub const MIN_PAGE: u32 = 1;

/// The page size of one resource's pull, adapting to the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    limit: u32,
}

impl PageSize {
    /// The size to start `resource` with: a learned size, if one was kept,
    /// else the resource's default (units are tiny, procedures large).
    pub fn start(resource: &Resource, learned: Option<u32>) -> PageSize {
        let limit = learned.unwrap_or(match resource {
            // 3,355 units are about 41 KB compressed: four pages.
            Resource::Units => MAX_PAGE_LIMIT,
            // About 230 bytes each compressed: 100 are 5 s on 2G.
            Resource::News { .. } => 100,
            // About 750 bytes each compressed: 100 are 20 s on 2G. Smaller pages
            // compress worse and cost more round trips (50: +12 % time on 2G).
            Resource::Procedures => 100,
            Resource::MyRequests => 200,
            // A few hundred bytes each; a unit rarely has more than a dozen.
            Resource::Outages { .. } => 200,
            // A few hundred bytes each; active alerts of a unit are few.
            Resource::Alerts { .. } => 200,
            // A few kilobytes each (every unit's figures and the places); one a day.
            Resource::Bulletins { .. } => 50,
        });
        PageSize {
            limit: limit.clamp(MIN_PAGE, MAX_PAGE_LIMIT),
        }
    }

    /// Changes to ask for in the next request.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// A page arrived after `took` (request sent to body read): grow after a fast
    /// one that was `full` (a short page says nothing about bigger ones, and a
    /// grown size would be spelled out in every later idle check), shrink after
    /// a slow one. Returns whether the size changed.
    pub fn after_page(&mut self, took: Duration, full: bool) -> bool {
        let before = self.limit;
        if took < FAST_PAGE && full {
            self.limit = self.limit.saturating_mul(2).min(MAX_PAGE_LIMIT);
        } else if took > SLOW_PAGE {
            self.limit = (self.limit / 2).max(MIN_PAGE);
        }
        self.limit != before
    }

    /// The answer was cut (or stalled) partway through its body: halve.
    /// Returns whether the size changed.
    pub fn after_cut(&mut self) -> bool {
        let before = self.limit;
        self.limit = (self.limit / 2).max(MIN_PAGE);
        self.limit != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: Resource = Resource::Procedures;

    #[test]
    fn defaults_per_resource_and_learned_sizes_are_kept_in_range() {
        assert_eq!(PageSize::start(&Resource::Units, None).limit(), 1000);
        assert_eq!(PageSize::start(&Resource::Procedures, None).limit(), 100);
        let news = Resource::News {
            unit: "00004".into(),
        };
        assert_eq!(PageSize::start(&news, None).limit(), 100);
        assert_eq!(PageSize::start(&CATALOGUE, Some(12)).limit(), 12);
        assert_eq!(PageSize::start(&CATALOGUE, Some(0)).limit(), MIN_PAGE);
        assert_eq!(
            PageSize::start(&CATALOGUE, Some(50_000)).limit(),
            MAX_PAGE_LIMIT
        );
    }

    #[test]
    fn fast_pages_grow_slow_pages_and_failures_shrink() {
        let mut size = PageSize::start(&Resource::Procedures, Some(50));
        assert!(
            !size.after_page(Duration::from_millis(20), false),
            "short page: keep"
        );
        assert_eq!(size.limit(), 50);
        assert!(size.after_page(Duration::from_millis(20), true));
        assert_eq!(size.limit(), 100);
        assert!(
            !size.after_page(Duration::from_secs(20), true),
            "2G-like: keep"
        );
        assert_eq!(size.limit(), 100);
        assert!(size.after_page(Duration::from_secs(31), false));
        assert_eq!(size.limit(), 50);
        assert!(size.after_cut());
        assert_eq!(size.limit(), 25);
        for _ in 0..10 {
            size.after_cut();
        }
        assert_eq!(size.limit(), MIN_PAGE);
        assert!(!size.after_cut());
        for _ in 0..20 {
            size.after_page(Duration::ZERO, true);
        }
        assert_eq!(size.limit(), MAX_PAGE_LIMIT);
    }
}
