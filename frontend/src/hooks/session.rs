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

/// Asks the server who is signed in now (after the session changed on the server: acting for
/// someone at a counter starts or ends).
pub async fn reload(session: SessionHandle) {
    let me = crate::api::get::<Me>("/api/v1/me").await.ok();
    session.set(Session { loaded: true, me });
}
