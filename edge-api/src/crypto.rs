//! PBKDF2 through the platform's WebCrypto: workerd runs it in native code, where the
//! same derivation in Rust compiled to wasm would take many times longer on every
//! sign-in.

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::domain::password::{self, PasswordHash, HASH_LEN};
use crate::error::ApiError;

/// PBKDF2-HMAC-SHA256 of `password` with `salt` over `iterations` rounds, `HASH_LEN` bytes.
pub async fn pbkdf2_sha256(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Result<Vec<u8>, ApiError> {
    let fail = |e: JsValue| ApiError::internal(format!("WebCrypto PBKDF2: {e:?}"));
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(fail)?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(fail)?;
    let method = |name: &str| -> Result<Function, ApiError> {
        Reflect::get(&subtle, &name.into())
            .map_err(fail)?
            .dyn_into::<Function>()
            .map_err(fail)
    };

    let import_args = Array::new();
    import_args.push(&"raw".into());
    import_args.push(&Uint8Array::from(password));
    import_args.push(&"PBKDF2".into());
    import_args.push(&JsValue::FALSE);
    import_args.push(&Array::of1(&"deriveBits".into()));
    let key = JsFuture::from(
        method("importKey")?
            .apply(&subtle, &import_args)
            .map_err(fail)?
            .dyn_into::<js_sys::Promise>()
            .map_err(fail)?,
    )
    .await
    .map_err(fail)?;

    let params = Object::new();
    for (name, value) in [
        ("name", JsValue::from("PBKDF2")),
        ("hash", JsValue::from("SHA-256")),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", JsValue::from(iterations)),
    ] {
        Reflect::set(&params, &name.into(), &value).map_err(fail)?;
    }
    let derive_args = Array::of3(&params, &key, &JsValue::from((HASH_LEN * 8) as u32));
    let bits = JsFuture::from(
        method("deriveBits")?
            .apply(&subtle, &derive_args)
            .map_err(fail)?
            .dyn_into::<js_sys::Promise>()
            .map_err(fail)?,
    )
    .await
    .map_err(fail)?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// The stored form of a new password, with a fresh salt.
pub async fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = password::new_salt();
    let hash = pbkdf2_sha256(password.as_bytes(), &salt, password::ITERATIONS).await?;
    Ok(PasswordHash {
        iterations: password::ITERATIONS,
        salt: salt.to_vec(),
        hash,
    }
    .format())
}

/// Whether `password` is the one `stored` was made from.
pub async fn verify_password(stored: &PasswordHash, password: &str) -> Result<bool, ApiError> {
    let derived = pbkdf2_sha256(password.as_bytes(), &stored.salt, stored.iterations).await?;
    Ok(stored.matches(&derived))
}
