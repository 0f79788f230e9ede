//! The policy engine on input it could be given: any filing (with any surroundings) against the
//! shipped Xiamen pack, and any pack an admin could save as a draft, checked and — if it passes its
//! own checks — evaluated. No panic, and every evaluation answers for at least one rule.
#![no_main]

use std::sync::LazyLock;

use common::policy::{EvalContext, PolicyApplication, PolicyPack};
use libfuzzer_sys::fuzz_target;

static PACK: LazyLock<PolicyPack> =
    LazyLock::new(|| toml::from_str(include_str!("../../assets/policy/xiamen.toml")).expect("the pack parses"));

fuzz_target!(|data: &[u8]| {
    if let Ok((app, ctx)) = serde_json::from_slice::<(PolicyApplication, EvalContext)>(data) {
        let _ = app.validate();
        assert!(!common::policy::evaluate(&PACK, &app, &ctx).results.is_empty());
    } else if let Ok((pack, app)) = serde_json::from_slice::<(PolicyPack, PolicyApplication)>(data) {
        if pack.validate().is_empty() {
            let _ = common::policy::evaluate(&pack, &app, &EvalContext::default());
        }
    }
});
