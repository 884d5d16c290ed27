//! The platform's WebCrypto, for what Rust compiled to wasm would do slower or less
//! safely: PBKDF2 (native code in workerd, where a wasm derivation would take many times
//! longer on every sign-in) and AES-256-GCM for the few secrets the service must read
//! back (webhook signing secrets, the widget's identity secret, idempotent answers that
//! carry a secret).

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::domain::password::{self, PasswordHash, HASH_LEN};
use crate::domain::sealed;
use crate::error::ApiError;
use crate::state::AppState;

fn fail(what: &'static str) -> impl Fn(JsValue) -> ApiError {
    move |e: JsValue| ApiError::internal(format!("WebCrypto {what}: {e:?}"))
}

/// Calls `crypto.subtle[name](...args)` and awaits the promise it returns.
async fn subtle(name: &str, args: &Array, what: &'static str) -> Result<JsValue, ApiError> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(fail(what))?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(fail(what))?;
    let method = Reflect::get(&subtle, &name.into())
        .map_err(fail(what))?
        .dyn_into::<Function>()
        .map_err(fail(what))?;
    let promise = method
        .apply(&subtle, args)
        .map_err(fail(what))?
        .dyn_into::<js_sys::Promise>()
        .map_err(fail(what))?;
    JsFuture::from(promise).await.map_err(fail(what))
}

fn object(fields: &[(&str, JsValue)]) -> Result<Object, ApiError> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &(*name).into(), value).map_err(fail("parameters"))?;
    }
    Ok(object)
}

/// PBKDF2-HMAC-SHA256 of `password` with `salt` over `iterations` rounds, `HASH_LEN` bytes.
pub async fn pbkdf2_sha256(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
) -> Result<Vec<u8>, ApiError> {
    let import_args = Array::new();
    import_args.push(&"raw".into());
    import_args.push(&Uint8Array::from(password));
    import_args.push(&"PBKDF2".into());
    import_args.push(&JsValue::FALSE);
    import_args.push(&Array::of1(&"deriveBits".into()));
    let key = subtle("importKey", &import_args, "PBKDF2 key").await?;

    let params = object(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", iterations.into()),
    ])?;
    let derive_args = Array::of3(&params, &key, &JsValue::from((HASH_LEN * 8) as u32));
    let bits = subtle("deriveBits", &derive_args, "PBKDF2").await?;
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

/// The AES-256-GCM key under the `ENCRYPTION_KEY` Worker secret (64 hex digits).
async fn aes_key(state: &AppState, usage: &str) -> Result<JsValue, ApiError> {
    // Without the key nothing sealed can be written or read: 503, never plain text.
    let key = state
        .secret("ENCRYPTION_KEY")
        .as_deref()
        .and_then(sealed::key_from_hex)
        .ok_or_else(|| ApiError::unavailable("ENCRYPTION_KEY is not set to 64 hex digits"))?;
    let args = Array::new();
    args.push(&"raw".into());
    args.push(&Uint8Array::from(&key[..]));
    args.push(&"AES-GCM".into());
    args.push(&JsValue::FALSE);
    args.push(&Array::of1(&usage.into()));
    subtle("importKey", &args, "AES key").await
}

/// AES-GCM's parameters: the value's nonce, and its purpose as associated data.
fn gcm_params(nonce: &[u8; sealed::NONCE_LEN], purpose: &str) -> Result<Object, ApiError> {
    object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(&nonce[..]).into()),
        (
            "additionalData",
            Uint8Array::from(purpose.as_bytes()).into(),
        ),
    ])
}

/// `plaintext` encrypted with AES-256-GCM under `ENCRYPTION_KEY`, as text for a column.
///
/// `purpose` is bound in as associated data (for example `"webhook_secret:wh_…"`), so a
/// sealed value copied into another row or field does not open there.
pub async fn seal(state: &AppState, purpose: &str, plaintext: &[u8]) -> Result<String, ApiError> {
    let nonce = sealed::new_nonce();
    let params = gcm_params(&nonce, purpose)?;
    let key = aes_key(state, "encrypt").await?;
    let ciphertext = subtle(
        "encrypt",
        &Array::of3(&params, &key, &Uint8Array::from(plaintext)),
        "AES-GCM encrypt",
    )
    .await?;
    Ok(sealed::format(
        &nonce,
        &Uint8Array::new(&ciphertext).to_vec(),
    ))
}

/// The plaintext of a value [`seal`] made for the same `purpose`; an error when it was
/// altered, sealed for another purpose, or under another key.
pub async fn open(state: &AppState, purpose: &str, sealed_text: &str) -> Result<Vec<u8>, ApiError> {
    let (nonce, ciphertext) = sealed::parse(sealed_text)
        .ok_or_else(|| ApiError::internal("a stored sealed value is not in the v1 form"))?;
    let params = gcm_params(&nonce, purpose)?;
    let key = aes_key(state, "decrypt").await?;
    let plaintext = subtle(
        "decrypt",
        &Array::of3(&params, &key, &Uint8Array::from(&ciphertext[..])),
        "AES-GCM decrypt",
    )
    .await?;
    Ok(Uint8Array::new(&plaintext).to_vec())
}
