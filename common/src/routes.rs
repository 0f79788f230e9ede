//! Which bundle of the app has which page. The app is built three times, each bundle on top of the
//! one before: the first visit's (map, zone pages, checking a permit by its QR code) that every
//! visitor downloads; the public app (applications, filings, permits, accounts, rounds, open data)
//! loaded when someone opens one of those pages; the staff app (review, inspection, counter,
//! dashboards, administration). The server answers each path with its bundle's page by this rule,
//! and a bundle hands a page it lacks over to the server by the same rule, so they never disagree
//! and loop.

/// The three bundles, smallest first; each has every page of the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bundle {
    /// Home (the map), zone pages, a permit's check page, and any unknown path (its 404 page).
    FirstVisit,
    Public,
    Staff,
}

impl Bundle {
    /// Smallest first, in the order of their discriminants.
    pub const ALL: [Bundle; 3] = [Bundle::FirstVisit, Bundle::Public, Bundle::Staff];

    /// The folder of `dist/` the bundle is built into, and the URL prefix it is served under
    /// (the first visit's is `dist/` itself).
    pub fn dir(self) -> Option<&'static str> {
        match self {
            Bundle::FirstVisit => None,
            Bundle::Public => Some(PUBLIC_BUNDLE_DIR),
            Bundle::Staff => Some(STAFF_BUNDLE_DIR),
        }
    }
}

/// Path prefixes of the staff pages (a prefix matches itself and anything below it).
pub const STAFF_PAGES: [&str; 6] = ["/review", "/rounds/new", "/admin", "/inspect", "/dashboard", "/counter"];

/// Path prefixes of the public app's pages beyond the first visit's.
pub const PUBLIC_PAGES: [&str; 16] = [
    "/apply",
    "/rounds",
    "/self-check",
    "/file",
    "/filings",
    "/permits",
    "/report",
    "/complaints",
    "/inbox",
    "/transparency",
    "/data",
    "/login",
    "/register",
    "/reset",
    "/takeover",
    "/account",
];

pub const PUBLIC_BUNDLE_DIR: &str = "app";
pub const STAFF_BUNDLE_DIR: &str = "staff";

fn under(path: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// The bundle that has the page at `path` (no query).
pub fn bundle_of(path: &str) -> Bundle {
    if under(path, &STAFF_PAGES) {
        Bundle::Staff
    } else if under(path, &PUBLIC_PAGES) {
        Bundle::Public
    } else {
        Bundle::FirstVisit
    }
}

#[cfg(test)]
mod tests {
    use super::{Bundle, bundle_of};

    #[test]
    fn each_page_and_its_sub_pages_in_one_bundle() {
        for p in [
            "/review",
            "/review/7",
            "/review/complaints/3",
            "/rounds/new",
            "/admin/zones/4/edit",
            "/inspect",
            "/counter",
            "/dashboard",
        ] {
            assert_eq!(bundle_of(p), Bundle::Staff, "{p}");
        }
        for p in [
            "/rounds",
            "/rounds/2",
            "/apply",
            "/permits/1",
            "/file/cross-store",
            "/filings/3",
            "/inbox",
            "/data",
            "/login",
            "/account",
            "/complaints/abc",
        ] {
            assert_eq!(bundle_of(p), Bundle::Public, "{p}");
        }
        for (i, b) in Bundle::ALL.into_iter().enumerate() {
            assert_eq!(b as usize, i, "the server indexes its pages by the discriminant");
        }
        for p in ["/", "/zones/1", "/verify/TG-1234", "/reviews", "/administer", "/applying", "/404", "/no/such/page"] {
            assert_eq!(bundle_of(p), Bundle::FirstVisit, "{p}");
        }
    }
}
