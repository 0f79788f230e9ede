use common::dto::users::CreateStaffRequest;
use common::validate::{Errors, check_password, check_real_name, check_username};
use common::{District, Role};
use diesel::prelude::*;
use serde_json::json;

use crate::app::AppState;
use crate::auth::password::hash_blocking;
use crate::clock::now;
use crate::db::schema::users;
use crate::db::{DbConn, write_tx};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::user::NewUser;

/// Printed by `serve --demo` and listed in the README.
pub const DEMO_LOGINS: &str = "\
Demo logins (demo data only):
  city admin 市执法局      admin        / tangui-admin-2026
  officer 思明区城管       sm_officer   / tangui-officer-2026   (also hl_, hc_, jm_, ta_, xa_officer)
  vendor 摊贩              13800000001  / tangui-vendor-2026
  shop 沿街商户            13900000001  / tangui-shop-2026";

struct DemoAccount {
    role: Role,
    login: &'static str,
    name: &'static str,
    password: &'static str,
    district: Option<District>,
    id_number: Option<&'static str>,
    credit_code: Option<&'static str>,
    contact: Option<&'static str>,
}

const OFFICER_PW: &str = "tangui-officer-2026";

fn demo_accounts() -> Vec<DemoAccount> {
    let mut v = vec![
        DemoAccount {
            role: Role::CityAdmin,
            login: "admin",
            name: "市执法局管理员",
            password: "tangui-admin-2026",
            district: None,
            id_number: None,
            credit_code: None,
            contact: None,
        },
        DemoAccount {
            role: Role::Vendor,
            login: "13800000001",
            name: "陈秀英",
            password: "tangui-vendor-2026",
            district: None,
            // A made-up number with a valid check digit (not a real person).
            id_number: Some("350203196805120024"),
            credit_code: None,
            contact: None,
        },
        DemoAccount {
            role: Role::Merchant,
            login: "13900000001",
            name: "兴隆路沙县小吃",
            password: "tangui-shop-2026",
            district: None,
            id_number: None,
            // Valid check character; not a real registered business.
            credit_code: Some("92350203MA8T5XQ31D"),
            contact: Some("林志强"),
        },
    ];
    let officers = [
        (District::Siming, "sm_officer", "思明区城管队员"),
        (District::Haicang, "hc_officer", "海沧区城管队员"),
        (District::Huli, "hl_officer", "湖里区城管队员"),
        (District::Jimei, "jm_officer", "集美区城管队员"),
        (District::Tongan, "ta_officer", "同安区城管队员"),
        (District::Xiangan, "xa_officer", "翔安区城管队员"),
    ];
    for (d, login, name) in officers {
        v.push(DemoAccount {
            role: Role::DistrictOfficer,
            login,
            name,
            password: OFFICER_PW,
            district: Some(d),
            id_number: None,
            credit_code: None,
            contact: None,
        });
    }
    v
}

pub fn demo_accounts_exist(c: &mut DbConn) -> AppResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(users::table.filter(users::login.eq("admin")))).get_result(c)?)
}

pub async fn seed_accounts(state: &AppState) -> AppResult<usize> {
    let accounts = demo_accounts();
    // Hash on a blocking thread: ~20 ms each.
    let hashed = tokio::task::spawn_blocking(move || {
        accounts.into_iter().map(|a| hash_blocking(a.password).map(|h| (a, h))).collect::<AppResult<Vec<_>>>()
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let vault = state.vault.clone();
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let t = now();
                for (a, hash) in &hashed {
                    let phone = a.login.chars().all(|ch| ch.is_ascii_digit()).then_some(a.login);
                    let id = NewUser {
                        role: a.role.as_str(),
                        login: a.login,
                        display_name: a.name,
                        phone,
                        id_number: a.id_number,
                        credit_code: a.credit_code,
                        contact_name: a.contact,
                        district_code: a.district.map(|d| d.code()),
                        password_hash: hash,
                        disabled: false,
                        created_at: t,
                        password_changed_at: t,
                    }
                    .insert(c, &vault)?;
                    audit::record(
                        c,
                        t,
                        None,
                        "account.demo_seeded",
                        "user",
                        &id.to_string(),
                        json!({ "role": a.role.as_str() }),
                    )?;
                }
                Ok(hashed.len())
            })
        })
        .await
}

/// `tangui create-admin`: the first (or another) city admin on a production database.
pub async fn create_admin(state: &AppState, username: &str, name: &str, password: &str) -> AppResult<i64> {
    let req = CreateStaffRequest {
        username: username.into(),
        display_name: name.into(),
        role: Role::CityAdmin,
        district: None,
        password: password.into(),
    };
    let mut e = Errors::new();
    check_username("username", &req.username, &mut e);
    check_real_name("display_name", &req.display_name, &mut e);
    check_password("password", &req.password, &mut e);
    common::password::check_strength("password", &req.password, &[username, name], &mut e);
    AppError::check(e.0)?;
    let hash = state.hasher.hash(req.password.clone()).await?;
    let vault = state.vault.clone();
    state
        .db
        .write(move |c| {
            let t = now();
            let id = NewUser {
                role: Role::CityAdmin.as_str(),
                login: &req.username,
                display_name: &req.display_name,
                phone: None,
                id_number: None,
                credit_code: None,
                contact_name: None,
                district_code: None,
                password_hash: &hash,
                disabled: false,
                created_at: t,
                password_changed_at: t,
            }
            .insert(c, &vault)?;
            audit::record(c, t, None, "account.admin_created_by_cli", "user", &id.to_string(), json!({}))?;
            Ok(id)
        })
        .await
}
