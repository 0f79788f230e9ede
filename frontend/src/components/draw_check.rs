//! "复核本次摇号": the public round page re-runs the draw in the reader's browser, with the same
//! `common::allocation` code the server ran, and shows each check as it passes or fails.

use common::allocation::{Algorithm, DrawRecord, RecordStep};
use common::dto::rounds::RoundView;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api;
use crate::i18n::{Lang, S, use_lang};

#[derive(Clone, PartialEq)]
enum Mark {
    Waiting,
    Running,
    Passed,
    Failed(String),
}

/// The checks in order: getting the record, then [`RecordStep::ALL`].
fn labels() -> [S; 5] {
    [S::CheckDownload, S::CheckCommitment, S::CheckFingerprint, S::CheckOutside, S::CheckResult]
}

#[derive(Clone, PartialEq)]
struct Run {
    marks: Vec<Mark>,
    took_ms: Option<f64>,
    /// The record could not be had or read: nothing was checked, which is not a mismatch.
    unreadable: bool,
}

impl Run {
    fn new() -> Run {
        Run { marks: vec![Mark::Waiting; labels().len()], took_ms: None, unreadable: false }
    }

    fn done(&self) -> usize {
        self.marks.iter().filter(|m| matches!(m, Mark::Passed)).count()
    }

    fn failed(&self) -> Option<(usize, &str)> {
        self.marks.iter().enumerate().find_map(|(i, m)| match m {
            Mark::Failed(why) => Some((i, why.as_str())),
            _ => None,
        })
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Lets the page paint the step just marked before the next (synchronous) one starts.
async fn paint() {
    gloo::timers::future::TimeoutFuture::new(0).await;
}

/// Runs every check on `text`, updating `run` as each starts and ends. The values this page
/// published (commitment, fingerprint) must match the record's too: a record file could carry
/// its own, self-consistent ones.
async fn check(text: String, round: RoundView, run: UseStateHandle<Run>, lang: Lang) {
    let started = now_ms();
    let mut r = Run::new();
    let finish = |mut r: Run, run: &UseStateHandle<Run>| {
        r.took_ms = Some(now_ms() - started);
        run.set(r);
    };
    let record: DrawRecord = match serde_json::from_str(&text) {
        Ok(rec) => rec,
        Err(e) => {
            r.marks[0] = Mark::Failed(format!("{} ({e})", lang.t(S::NotARecord)));
            r.unreadable = true;
            return finish(r, &run);
        }
    };
    r.marks[0] = Mark::Passed;
    for (k, step) in RecordStep::ALL.into_iter().enumerate() {
        let i = k + 1;
        r.marks[i] = Mark::Running;
        run.set(r.clone());
        paint().await;
        let published = match step {
            RecordStep::Commitment => round.seed_commitment.as_deref(),
            RecordStep::Fingerprint => round.fingerprint.as_deref(),
            _ => None,
        };
        let mine = match step {
            RecordStep::Commitment => Some(record.seed_commitment.as_str()),
            RecordStep::Fingerprint => Some(record.fingerprint.as_str()),
            _ => None,
        };
        let outcome = match (published, mine) {
            (Some(p), Some(m)) if p != m => Err(format!("{m}: {} ({p})", lang.t(S::PublishedElsewhere))),
            _ if record.round_id != round.id => Err(format!("round {} ≠ {}", record.round_id, round.id)),
            _ => record.check(step, &mut |_, _| {}).and_then(|()| matches_page(&record, &round, step, lang)),
        };
        match outcome {
            Ok(()) => r.marks[i] = Mark::Passed,
            Err(why) => {
                r.marks[i] = Mark::Failed(why);
                return finish(r, &run);
            }
        }
    }
    finish(r, &run);
}

/// A record can be consistent in itself yet not be the one this page publishes (a file made
/// with another outside value, or a page changed since a file was kept): the outside value and
/// the result must also be the ones shown here.
fn matches_page(record: &DrawRecord, round: &RoundView, step: RecordStep, lang: Lang) -> Result<(), String> {
    match step {
        RecordStep::OutsideValue if record.outside_value != round.outside_value => Err(format!(
            "{:?}: {} ({:?})",
            record.outside_value.as_deref().unwrap_or(""),
            lang.t(S::PublishedElsewhere),
            round.outside_value.as_deref().unwrap_or("")
        )),
        RecordStep::Result => {
            let label = |n: i64| match record.inputs.algorithm {
                Algorithm::V1 => n.to_string(),
                Algorithm::V2 => common::allocation::draw_number_label(record.round_id, n),
            };
            let placed: std::collections::HashSet<i64> = record.result.assignments.iter().map(|a| a.id).collect();
            let lines = &round.results;
            if lines.len() != record.result.order.len() {
                return Err(format!(
                    "{} ≠ {}: {}",
                    record.result.order.len(),
                    lines.len(),
                    lang.t(S::PublishedElsewhere)
                ));
            }
            match record
                .result
                .order
                .iter()
                .zip(lines)
                .position(|(n, l)| label(*n) != l.draw_number || placed.contains(n) != l.stall_number.is_some())
            {
                Some(i) => {
                    Err(format!("#{} {}: {}", i + 1, label(record.result.order[i]), lang.t(S::PublishedElsewhere)))
                }
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

#[derive(Properties, PartialEq)]
pub struct DrawCheckProps {
    pub round: RoundView,
}

#[component]
pub fn DrawCheck(p: &DrawCheckProps) -> Html {
    let lang = use_lang();
    let run = use_state(|| None::<Run>);
    let reader = use_mut_ref(|| None::<gloo::file::callbacks::FileReader>);
    let handle = use_state(Run::new);
    let start = {
        let (run, handle, round) = (run.clone(), handle.clone(), p.round.clone());
        Callback::from(move |_| {
            let (run, handle, round) = (run.clone(), handle.clone(), round.clone());
            let mut first = Run::new();
            first.marks[0] = Mark::Running;
            handle.set(first.clone());
            run.set(Some(first));
            yew::platform::spawn_local(async move {
                match api::get_text(&format!("/api/v1/rounds/{}/record.json", round.id)).await {
                    Ok(text) => check(text, round, handle, lang).await,
                    Err(e) => {
                        let mut r = Run::new();
                        r.marks[0] = Mark::Failed(e.message(lang.is_en()));
                        r.took_ms = Some(0.0);
                        r.unreadable = true;
                        handle.set(r);
                    }
                }
            });
        })
    };
    let from_file = {
        let (run, handle, round, reader) = (run.clone(), handle.clone(), p.round.clone(), reader.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let (h, round) = (handle.clone(), round.clone());
            let done = Callback::from(move |text: String| {
                let (h, round) = (h.clone(), round.clone());
                yew::platform::spawn_local(check(text, round, h, lang));
            });
            let started = crate::pages::admin_zones::read_file(&input, done);
            // Cleared, so choosing the same file again (after fixing it) checks it again.
            input.set_value("");
            if started.is_none() {
                return; // the picker was closed without a file
            }
            *reader.borrow_mut() = started;
            let mut first = Run::new();
            first.marks[0] = Mark::Running;
            handle.set(first.clone());
            run.set(Some(first));
        })
    };
    let shown = run.as_ref().map(|_| (*handle).clone());
    let total = labels().len();
    let busy = shown.as_ref().is_some_and(|r| r.took_ms.is_none() && r.failed().is_none());
    html! {
        <section class="card draw-check" id="draw-check" aria-labelledby="draw-check-title">
            <h2 id="draw-check-title">{ lang.t(S::VerifyDraw) }</h2>
            <p class="muted">{ lang.t(S::VerifyDrawLead) }</p>
            <div class="actions">
                <button type="button" class="button primary" id="verify-draw" onclick={start}
                    disabled={busy}>{ lang.t(S::VerifyDraw) }</button>
                <label class="button secondary file-button">{ lang.t(S::VerifyOwnFile) }
                    <input type="file" id="verify-file" accept="application/json,.json" class="visually-hidden" disabled={busy} onchange={from_file} /></label>
            </div>
            if let Some(r) = shown {
                <div class="progress" role="progressbar" aria-label={lang.t(S::VerifyDraw)} aria-valuemin="0"
                    aria-valuemax={total.to_string()} aria-valuenow={r.done().to_string()} id="draw-check-progress">
                    <div class="bar" style={format!("width: {}%", r.done() * 100 / total)}></div>
                    <span>{ format!("{}/{}", r.done(), total) }</span>
                </div>
                <ol class="check-steps" id="draw-check-steps">
                    { for labels().iter().zip(&r.marks).map(|(label, m)| {
                        let (class, mark) = match m {
                            Mark::Waiting => ("waiting", "○"),
                            Mark::Running => ("running", "…"),
                            Mark::Passed => ("passed", "✓"),
                            Mark::Failed(_) => ("failed", "✗"),
                        };
                        html! {
                            <li class={classes!("check-step", class)} data-state={class}>
                                <span class="mark" aria-hidden="true">{ mark }</span>{ " " }{ lang.t(*label) }
                                if let Mark::Failed(why) = m { <p class="small why"><code>{ why }</code></p> }
                            </li>
                        }
                    }) }
                </ol>
                { match (r.failed(), r.took_ms) {
                    (Some((_, why)), Some(_)) if r.unreadable => html! {
                        <p class="notice" id="draw-check-result" role="status" data-outcome="unreadable">
                            <strong>{ lang.t(S::CheckUnreadable) }</strong>{ " " }{ why }</p>
                    },
                    (Some(_), Some(ms)) => html! {
                        <p class="notice error" id="draw-check-result" role="status" data-outcome="mismatch" data-ms={format!("{ms:.0}")}>
                            <strong>{ lang.t(S::DrawMismatch) }</strong>{ r.failed().map(|(i, _)| lang.t(labels()[i])).unwrap_or_default() }</p>
                    },
                    (None, Some(ms)) => html! {
                        <p class="notice success" id="draw-check-result" role="status" data-outcome="match" data-ms={format!("{ms:.0}")}>
                            <strong>{ lang.t(S::DrawMatch) }</strong>{ format!(" {} {:.1} s", lang.t(S::CheckTook), ms / 1000.0) }</p>
                    },
                    _ => html! { <p class="muted" role="status">{ lang.t(S::CheckRunning) }</p> },
                } }
            }
        </section>
    }
}
