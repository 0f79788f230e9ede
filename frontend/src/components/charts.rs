//! Small SVG charts drawn from API figures. Each has a text alternative (a table) for screen readers.

use common::dto::stats::DistrictFigures;
use yew::prelude::*;

use crate::i18n::{S, use_lang};

#[derive(Properties, PartialEq)]
pub struct DistrictBarsProps {
    pub districts: Vec<DistrictFigures>,
}

/// Horizontal stacked bars: stalls in use (dark) and free (light) per district.
#[component]
pub fn DistrictBars(p: &DistrictBarsProps) -> Html {
    let lang = use_lang();
    let max = p.districts.iter().map(|d| d.stalls).max().unwrap_or(0).max(1) as f64;
    let row_h = 34.0;
    let label_w = 90.0;
    let bar_w = 360.0;
    let height = row_h * p.districts.len() as f64 + 8.0;
    let rows = p.districts.iter().enumerate().map(|(i, d)| {
        let y = 4.0 + i as f64 * row_h;
        let used = (d.stalls - d.free_stalls) as f64 / max * bar_w;
        let free = d.free_stalls as f64 / max * bar_w;
        let name = lang.either(&d.name_zh, &d.name_en).to_string();
        html! {
            <g class="bar-row" data-district={d.district.code()}>
                <text x={(label_w - 8.0).to_string()} y={(y + 20.0).to_string()} text-anchor="end" class="axis">{ name }</text>
                <rect x={label_w.to_string()} y={(y + 6.0).to_string()} width={used.to_string()} height="20" class="bar used" />
                <rect x={(label_w + used).to_string()} y={(y + 6.0).to_string()} width={free.to_string()} height="20" class="bar free" />
                <text x={(label_w + used + free + 6.0).to_string()} y={(y + 21.0).to_string()} class="value">
                    { format!("{} {} / {}", lang.t(S::FigFree), d.free_stalls, d.stalls) }
                </text>
            </g>
        }
    });
    html! {
        <figure class="chart">
            <svg viewBox={format!("0 0 {} {}", label_w + bar_w + 90.0, height)} role="img" aria-labelledby="district-bars-title">
                <title id="district-bars-title">{ lang.t(S::FigByDistrict) }</title>
                { for rows }
            </svg>
            <div class="visually-hidden"><table>
                <caption>{ lang.t(S::FigByDistrict) }</caption>
                <thead><tr><th scope="col">{ lang.t(S::ChartDistrict) }</th><th scope="col">{ lang.t(S::FigZones) }</th>
                    <th scope="col">{ lang.t(S::FigStalls) }</th><th scope="col">{ lang.t(S::FigFree) }</th></tr></thead>
                <tbody>
                    { for p.districts.iter().map(|d| html! {
                        <tr><th scope="row">{ lang.either(&d.name_zh, &d.name_en) }</th><td>{ d.zones }</td><td>{ d.stalls }</td><td>{ d.free_stalls }</td></tr>
                    }) }
                </tbody>
            </table></div>
        </figure>
    }
}
