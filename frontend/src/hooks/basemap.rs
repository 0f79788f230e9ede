use std::rc::Rc;

use yew::prelude::*;

use crate::components::zone_map::{DistrictShape, parse_basemap};

/// The district outlines drawn under every map, loaded once per page (the browser caches the file).
#[hook]
pub fn use_basemap() -> Rc<Vec<DistrictShape>> {
    let basemap = use_state(|| Rc::new(Vec::<DistrictShape>::new()));
    {
        let basemap = basemap.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                if let Ok(v) = crate::api::get::<serde_json::Value>("/api/v1/public/districts.geojson").await {
                    basemap.set(Rc::new(parse_basemap(&v)));
                }
            });
        });
    }
    (*basemap).clone()
}
