//! Which pages belong to the staff bundle. The app is built twice: the public bundle (map, zone
//! pages, applications, filings, permits, sign-in) that every visitor downloads, and the staff
//! bundle (review, inspection, counter, dashboards, administration) loaded only on these paths.
//! The server picks the bundle's page by this rule and the public app hands these paths over to
//! the server by the same rule, so the two can never disagree and loop.

/// Path prefixes of the staff pages (a prefix matches itself and anything below it).
pub const STAFF_PAGES: [&str; 6] = ["/review", "/rounds/new", "/admin", "/inspect", "/dashboard", "/counter"];

/// The folder of `dist/` the staff bundle is built into, and the URL prefix it is served under.
pub const STAFF_BUNDLE_DIR: &str = "staff";

/// Whether `path` (no query) is a staff page.
pub fn is_staff_page(path: &str) -> bool {
    STAFF_PAGES.iter().any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::is_staff_page;

    #[test]
    fn staff_pages_and_their_sub_pages_only() {
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
            assert!(is_staff_page(p), "{p}");
        }
        for p in [
            "/",
            "/rounds",
            "/rounds/2",
            "/reviews",
            "/apply",
            "/zones/1",
            "/permits/1",
            "/inbox",
            "/administer",
            "/data",
        ] {
            assert!(!is_staff_page(p), "{p}");
        }
    }
}
