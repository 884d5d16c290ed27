//! Time zone offsets from the platform's own zone database (`Intl`, which workerd
//! carries), so the worker ships no tz data of its own and stays current with it.

use chrono::{DateTime, Utc};
use wasm_bindgen::{JsCast, JsValue};
use worker::js_sys::{self, Array, Object, Reflect};

/// A named zone the platform knows.
pub struct Zone {
    format: js_sys::Intl::DateTimeFormat,
}

impl Zone {
    /// `None` when the platform does not know `name`.
    pub fn new(name: &str) -> Option<Zone> {
        let options = Object::new();
        for (key, value) in [
            ("timeZone", name),
            // h23: midnight is hour 0, never 24.
            ("hourCycle", "h23"),
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "numeric"),
            ("second", "numeric"),
        ] {
            Reflect::set(&options, &key.into(), &value.into()).ok()?;
        }
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let constructor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into())
            .ok()?
            .dyn_into()
            .ok()?;
        // Constructed through Reflect so an unknown zone's RangeError comes back as a
        // value instead of unwinding through the wasm.
        let args = Array::of2(&"en-US".into(), &options);
        let format = Reflect::construct(&constructor, &args).ok()?;
        Some(Zone {
            format: format.unchecked_into(),
        })
    }

    /// Seconds east of UTC at `at`.
    pub fn offset_seconds(&self, at: DateTime<Utc>) -> i64 {
        let at = at.timestamp();
        let date = js_sys::Date::new(&JsValue::from_f64(at as f64 * 1000.0));
        // One formatted string, read here, instead of `formatToParts`' dozen objects
        // read field by field: a year of daily figures in a zone asks this about a
        // hundred times, and each crossing into JavaScript counts.
        let wall: Option<String> = self
            .format
            .format()
            .call1(&self.format, &date)
            .ok()
            .and_then(|s| s.as_string());
        wall.as_deref()
            .and_then(crate::domain::time::wall_clock_seconds)
            .map(|wall| wall - at)
            // Intl always gives these six numbers; were it not to, UTC is the
            // answer least surprising to read.
            .unwrap_or(0)
    }
}

/// Every zone name the platform knows (`Intl.supportedValuesOf("timeZone")`, plus
/// `UTC`), for the OpenAPI document's list of accepted `tz` values; empty when the
/// platform cannot list them.
pub fn zone_names() -> Vec<String> {
    let listed = Reflect::get(&js_sys::global(), &"Intl".into())
        .and_then(|intl| {
            let list: js_sys::Function =
                Reflect::get(&intl, &"supportedValuesOf".into())?.dyn_into()?;
            list.call1(&intl, &"timeZone".into())
        })
        .ok()
        .and_then(|names| names.dyn_into::<Array>().ok());
    let Some(listed) = listed else {
        return Vec::new();
    };
    let mut names: Vec<String> = listed.iter().filter_map(|n| n.as_string()).collect();
    if !names.iter().any(|n| n == "UTC") && Zone::new("UTC").is_some() {
        names.push("UTC".to_string());
    }
    names
}
