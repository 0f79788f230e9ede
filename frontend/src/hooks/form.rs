//! Small forms that post a body and say when it is done (account settings, the service counter):
//! the shared validator's errors after the first submit, then the server's.

use gloo::net::http::Method;
use yew::prelude::*;

use crate::api::{self, ApiError};

/// Posts a form's body once it passes the shared validator; `done` is set on success.
pub fn submit_with<T: serde::Serialize + Clone + 'static>(
    path: &'static str,
    form: &UseStateHandle<T>,
    valid: fn(&T) -> bool,
    state: &FormState,
    after: Callback<()>,
) -> Callback<SubmitEvent> {
    let (form, state) = (form.clone(), state.clone());
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        state.submitted.set(true);
        if !valid(&form) || *state.busy {
            return;
        }
        let (body, state, after) = ((*form).clone(), state.clone(), after.clone());
        state.busy.set(true);
        yew::platform::spawn_local(async move {
            match api::request_empty(Method::POST, path, Some(&body)).await {
                Ok(()) => {
                    state.error.set(None);
                    state.done.set(true);
                    state.submitted.set(false);
                    after.emit(());
                }
                Err(e) => state.error.set(Some(e)),
            }
            state.busy.set(false);
        });
    })
}

/// Where a small form is: submitted once, waiting for the server, done, or refused.
#[derive(Clone)]
pub struct FormState {
    pub submitted: UseStateHandle<bool>,
    pub busy: UseStateHandle<bool>,
    pub done: UseStateHandle<bool>,
    pub error: UseStateHandle<Option<ApiError>>,
}

#[hook]
pub fn use_form_state() -> FormState {
    FormState {
        submitted: use_state(|| false),
        busy: use_state(|| false),
        done: use_state(|| false),
        error: use_state(|| None::<ApiError>),
    }
}

impl FormState {
    /// The shared validator's errors once submitted, then the server's.
    pub fn errors(&self, local: Vec<common::FieldError>) -> Vec<common::FieldError> {
        let local = if *self.submitted { local } else { Vec::new() };
        let server = self.error.as_ref().map(|e| e.field_errors()).unwrap_or_default();
        local.into_iter().chain(server).collect()
    }

    /// A callback for one field's input: sets it and clears the last "done".
    pub fn setter<T: Clone + 'static>(&self, form: &UseStateHandle<T>, f: fn(&mut T, String)) -> Callback<String> {
        let (form, done, error) = (form.clone(), self.done.clone(), self.error.clone());
        Callback::from(move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
            done.set(false);
            // A field's server error goes once the field changes.
            if matches!(*error, Some(ApiError::Validation(_))) {
                error.set(None);
            }
        })
    }

    /// A failure that is not about one field.
    pub fn general(&self) -> Option<ApiError> {
        (*self.error).clone().filter(|e| !matches!(e, ApiError::Validation(_)))
    }
}

/// A callback that changes one part of a form that is not typed text (a tick, an uploaded id).
pub fn update<T: Clone + 'static, V: 'static>(form: &UseStateHandle<T>, f: fn(&mut T, V)) -> Callback<V> {
    let form = form.clone();
    Callback::from(move |v: V| {
        let mut next = (*form).clone();
        f(&mut next, v);
        form.set(next);
    })
}
