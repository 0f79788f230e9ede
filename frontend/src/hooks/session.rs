use common::dto::auth::Me;
use yew::prelude::*;

/// Who is signed in. `loaded` is false until the first `/me` answer arrives, so pages can wait
/// instead of flashing the signed-out view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Session {
    pub loaded: bool,
    pub me: Option<Me>,
}

pub type SessionHandle = UseStateHandle<Session>;

#[hook]
pub fn use_session() -> SessionHandle {
    use_context::<SessionHandle>().expect("SessionHandle context is provided by App")
}
