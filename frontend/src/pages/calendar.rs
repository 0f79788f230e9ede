//! The working-day calendar deadlines are counted on: the official holidays (放假) and swapped
//! workdays (调休上班) of each year, entered by the city when the State Council publishes them.

use chrono::{Datelike, NaiveDate};
use common::calendar::{CalendarDay, DayKind, missing_year};
use gloo::net::http::Method;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::alert::{ErrorAlert, ErrorSummary, Success};
use crate::i18n::{Lang, S, use_lang};
use crate::pages::admin_zones::AdminOnly;

#[component]
pub fn CalendarPage() -> Html {
    html! { <AdminOnly><CalendarEditor /></AdminOnly> }
}

fn weekday(lang: Lang, d: NaiveDate) -> &'static str {
    let i = d.weekday().num_days_from_monday() as usize;
    if lang.is_en() {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i]
    } else {
        ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][i]
    }
}

/// The admin's warning when next year's holidays are missing (from November), for the dashboard
/// and this page.
#[derive(Properties, PartialEq)]
pub struct MissingYearProps {
    pub days: Vec<CalendarDay>,
}

#[component]
pub fn MissingYearWarning(p: &MissingYearProps) -> Html {
    let lang = use_lang();
    match missing_year(&p.days, common::time::xiamen_today()) {
        Some(y) => html! {
            <div class="alert warn" role="alert" id="calendar-missing">
                <p>{ lang.t(S::CalendarMissing).replace("{year}", &y.to_string()) }</p>
                <yew_router::prelude::Link<crate::app::Route> to={crate::app::Route::AdminCalendar}>{ lang.t(S::CalendarEnterNow) }</yew_router::prelude::Link<crate::app::Route>>
            </div>
        },
        None => html! {},
    }
}

#[component]
fn CalendarEditor() -> Html {
    let lang = use_lang();
    let days = use_state(|| None::<Result<Vec<CalendarDay>, ApiError>>);
    let reload = use_state(|| 0u32);
    let today = common::time::xiamen_today();
    let year = use_state(|| today.year() + i32::from(today.month() >= 11));
    let from = use_state(String::new);
    let to = use_state(String::new);
    let kind = use_state(|| DayKind::Holiday);
    let name = use_state(String::new);
    let problems = use_state(Vec::<(String, common::FieldError)>::new);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| None::<usize>);
    {
        let days = days.clone();
        use_effect_with(*reload, move |_| {
            yew::platform::spawn_local(async move { days.set(Some(api::get("/api/v1/calendar").await)) });
        });
    }
    let list = match &*days {
        None => return html! { <section class="page"><p aria-busy="true">{ lang.t(S::Loading) }</p></section> },
        Some(Err(e)) => return html! { <section class="page"><ErrorAlert error={Some(e.clone())} /></section> },
        Some(Ok(d)) => d.clone(),
    };
    let mut years: Vec<i32> = list.iter().map(|d| d.date.year()).chain([today.year(), today.year() + 1]).collect();
    years.sort();
    years.dedup();
    let shown: Vec<&CalendarDay> = list.iter().filter(|d| d.date.year() == *year).collect();

    let on_add = {
        let (from, to, kind, name, problems, error, saved, reload) = (
            from.clone(),
            to.clone(),
            kind.clone(),
            name.clone(),
            problems.clone(),
            error.clone(),
            saved.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut found = Vec::new();
            let start = NaiveDate::parse_from_str(&from, "%Y-%m-%d").ok();
            let end = if to.trim().is_empty() { start } else { NaiveDate::parse_from_str(&to, "%Y-%m-%d").ok() };
            if start.is_none() {
                found.push((
                    "cal-from".to_string(),
                    common::FieldError::new("from", "required", "请选择日期", "Choose a date"),
                ));
            }
            if let (Some(s), Some(e)) = (start, end)
                && (e < s || (e - s).num_days() > 31)
            {
                found.push((
                    "cal-to".to_string(),
                    common::FieldError::new(
                        "to",
                        "range",
                        "结束日期须在开始日期之后，最多 31 天",
                        "The end must follow the start, at most 31 days",
                    ),
                ));
            }
            if name.trim().is_empty() {
                found.push((
                    "cal-name".to_string(),
                    common::FieldError::new(
                        "name",
                        "required",
                        "请填写节日名称，如 春节",
                        "Name the festival, e.g. Spring Festival",
                    ),
                ));
            }
            problems.set(found.clone());
            let (Some(s), Some(e)) = (start, end) else { return };
            if !found.is_empty() {
                return;
            }
            let (kind, name, error, saved, reload) =
                (*kind, (*name).trim().to_string(), error.clone(), saved.clone(), reload.clone());
            yew::platform::spawn_local(async move {
                let mut n = 0;
                for d in s.iter_days().take_while(|d| *d <= e) {
                    let body = CalendarDay { date: d, kind, name: name.clone() };
                    match api::request::<_, CalendarDay>(Method::PUT, &format!("/api/v1/calendar/{d}"), Some(&body))
                        .await
                    {
                        Ok(_) => n += 1,
                        Err(err) => {
                            error.set(Some(err));
                            break;
                        }
                    }
                }
                saved.set(Some(n));
                reload.set(*reload + 1);
            });
        })
    };
    let remove = |d: NaiveDate| {
        let (error, reload) = (error.clone(), reload.clone());
        Callback::from(move |_| {
            let (error, reload) = (error.clone(), reload.clone());
            let confirmed = gloo::utils::window().confirm_with_message(&format!("{d}?")).unwrap_or(false);
            if !confirmed {
                return;
            }
            yew::platform::spawn_local(async move {
                match api::request_empty::<()>(Method::DELETE, &format!("/api/v1/calendar/{d}"), None).await {
                    Ok(()) => reload.set(*reload + 1),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let field_err = |id: &str| -> Html {
        let list: Vec<_> = problems.iter().filter(|(t, _)| t == id).map(|(_, e)| e.clone()).collect();
        html! { if !list.is_empty() { <ul class="field-errors">{ for list.iter().map(|e| html! { <li>{ lang.pick(&e.message) }</li> }) }</ul> } }
    };
    let text = |h: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| h.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    html! {
        <section class="page">
            <h1>{ lang.t(S::CalendarTitle) }</h1>
            <p class="lead">{ lang.t(S::CalendarLead) }</p>
            <MissingYearWarning days={list.clone()} />
            <ErrorAlert error={(*error).clone()} />
            if let Some(n) = *saved { <Success><p>{ lang.t(S::CalendarSaved).replace("{n}", &n.to_string()) }</p></Success> }
            <div class="case-layout">
                <section class="card" aria-labelledby="cal-list-title">
                    <h2 id="cal-list-title">{ lang.t(S::CalendarDays) }</h2>
                    <div class="field">
                        <label for="cal-year">{ lang.t(S::Year) }</label>
                        <select id="cal-year" onchange={{ let y = year.clone(); Callback::from(move |e: Event| if let Ok(v) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() { y.set(v) }) }}>
                            { for years.iter().map(|y| html! { <option value={y.to_string()} selected={*y == *year}>{ y }</option> }) }
                        </select>
                    </div>
                    if shown.is_empty() {
                        <p class="muted empty-state" id="calendar-days">{ lang.t(S::CalendarNone) }</p>
                    } else {
                        <ul class="plain calendar-days" id="calendar-days">
                            { for shown.iter().map(|d| html! {
                                <li class={classes!("calendar-day", if d.kind == DayKind::Holiday { "holiday" } else { "workday" })}>
                                    <span class="date">{ d.date.to_string() }{ " " }{ weekday(lang, d.date) }</span>
                                    <span class="badge">{ if d.kind == DayKind::Holiday { lang.t(S::DayHoliday) } else { lang.t(S::DayWorkday) } }</span>
                                    <span>{ &d.name }</span>
                                    <button type="button" class="link-button small" onclick={remove(d.date)}
                                        aria-label={format!("{} {}", lang.t(S::Remove), d.date)}>{ lang.t(S::Remove) }</button>
                                </li>
                            }) }
                        </ul>
                    }
                </section>
                <form class="card form" onsubmit={on_add} novalidate=true aria-labelledby="cal-add-title">
                    <h2 id="cal-add-title">{ lang.t(S::CalendarAdd) }</h2>
                    <ErrorSummary errors={(*problems).clone()} />
                    <fieldset class="field">
                        <legend>{ lang.t(S::DayKindLabel) }</legend>
                        <label class="radio"><input type="radio" name="cal-kind" id="cal-kind-holiday" checked={*kind == DayKind::Holiday}
                            onchange={{ let k = kind.clone(); Callback::from(move |_| k.set(DayKind::Holiday)) }} />{ lang.t(S::DayHoliday) }</label>
                        <label class="radio"><input type="radio" name="cal-kind" id="cal-kind-workday" checked={*kind == DayKind::Workday}
                            onchange={{ let k = kind.clone(); Callback::from(move |_| k.set(DayKind::Workday)) }} />{ lang.t(S::DayWorkday) }</label>
                    </fieldset>
                    <div class="inline-fields">
                        <div class="field"><label for="cal-from">{ lang.t(S::FromDate) }</label>
                            { field_err("cal-from") }
                            <input id="cal-from" type="date" value={(*from).clone()} oninput={text(from.clone())} /></div>
                        <div class="field"><label for="cal-to">{ lang.t(S::ToDateOptional) }</label>
                            { field_err("cal-to") }
                            <input id="cal-to" type="date" value={(*to).clone()} oninput={text(to.clone())} /></div>
                    </div>
                    <div class="field"><label for="cal-name">{ lang.t(S::FestivalName) }</label>
                        { field_err("cal-name") }
                        <input id="cal-name" type="text" value={(*name).clone()} oninput={text(name.clone())} /></div>
                    <button type="submit" class="button primary" id="cal-save">{ lang.t(S::Save) }</button>
                </form>
            </div>
        </section>
    }
}
