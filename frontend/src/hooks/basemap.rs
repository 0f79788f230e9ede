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

thread_local! {
    /// Fetched once per page load: every map on every page uses the same source.
    static TILES: std::cell::RefCell<Option<Option<Rc<common::tiles::TileSource>>>> = const { std::cell::RefCell::new(None) };
}

/// The operator's street-map tile source, if any (`/api/v1/public/basemap-tiles`).
#[hook]
pub fn use_tile_source() -> Option<Rc<common::tiles::TileSource>> {
    let tiles = use_state(|| TILES.with(|t| t.borrow().clone()).flatten());
    {
        let tiles = tiles.clone();
        use_effect_with((), move |_| {
            if TILES.with(|t| t.borrow().is_none()) {
                yew::platform::spawn_local(async move {
                    if let Ok(v) =
                        crate::api::get::<Option<common::tiles::TileSource>>("/api/v1/public/basemap-tiles").await
                    {
                        let v = v.map(Rc::new);
                        TILES.with(|t| *t.borrow_mut() = Some(v.clone()));
                        tiles.set(v);
                    }
                });
            }
        });
    }
    (*tiles).clone()
}
