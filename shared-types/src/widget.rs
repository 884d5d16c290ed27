//! The operator's widget configuration: `GET/PATCH /widget/config`. The
//! visitor-facing subset is [`PublicWidgetConfig`](crate::visitor::PublicWidgetConfig).

use serde::{Deserialize, Serialize};

use crate::validate::{DomainPattern, HexColor, HttpUrl, MessageText, ShortText};

wire_enum! {
    /// The launcher button's shape.
    pub enum WidgetShape {
        /// Rounded corners.
        Rounded = "rounded",
        /// Square corners.
        Square = "square",
        /// A circle.
        Circle = "circle",
    }
}

wire_enum! {
    /// Which bottom corner of the page the widget sits in.
    pub enum WidgetPosition {
        /// Bottom right.
        BottomRight = "bottom-right",
        /// Bottom left.
        BottomLeft = "bottom-left",
    }
}

wire_enum! {
    /// The panel's colours: light, dark, or following the visitor's
    /// `prefers-color-scheme`.
    #[derive(Default)]
    pub enum WidgetTheme {
        /// Light (the default).
        #[default]
        Light = "light",
        /// Dark.
        Dark = "dark",
        /// The visitor's system setting.
        Auto = "auto",
    }
}

/// The optional pre-chat form, shown before the visitor's first message. All false
/// by default (no form).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Prechat {
    /// Whether the form is shown.
    pub enabled: bool,
    /// The visitor must give a name.
    pub require_name: bool,
    /// The visitor must give an email address.
    pub require_email: bool,
}

/// `GET /widget/config` and the answer to `PATCH /widget/config`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WidgetConfig {
    /// Accent colour, `#RRGGBB` upper case.
    pub color: HexColor,
    /// Launcher shape.
    pub shape: WidgetShape,
    /// Corner of the page.
    pub position: WidgetPosition,
    /// Launcher label.
    pub button_text: String,
    /// First line shown when the panel opens.
    pub welcome_message: String,
    /// Shown instead when no agent is online.
    pub offline_message: String,
    /// Sites allowed to load the widget; `[]` allows any. See [`DomainPattern`].
    pub domains: Vec<DomainPattern>,
    /// Logo and "powered by" settings.
    pub branding: Branding,
    /// The pre-chat form (an addition to the spec's shape; default off).
    #[serde(default)]
    pub prechat: Prechat,
    /// The panel's colours (an addition to the spec's shape; default `light`).
    #[serde(default)]
    pub theme: WidgetTheme,
    /// When true, a visitor session that names an email or user id without a valid
    /// `user_hash` is refused (AUTH-015). Default false. Not in the spec: additive.
    #[serde(default)]
    pub require_identity: bool,
}

/// The `branding` of [`WidgetConfig`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Branding {
    /// Whether the "Powered by ChatFlow" line is shown.
    pub show_powered_by: bool,
    /// The logo shown in the panel header, `null` for none.
    pub logo_url: Option<String>,
}

/// Body of `PATCH /widget/config`: absent fields are left unchanged; `null` is
/// refused except for `branding.logo_url`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWidgetConfig {
    /// `#RRGGBB`, either case.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub color: Option<HexColor>,
    /// New launcher shape.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub shape: Option<WidgetShape>,
    /// New corner.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub position: Option<WidgetPosition>,
    /// 1..=100 characters, single line.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub button_text: Option<ShortText>,
    /// 1..=10,000 characters.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub welcome_message: Option<MessageText>,
    /// 1..=10,000 characters.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub offline_message: Option<MessageText>,
    /// Replaces the whole list; `[]` allows any origin.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub domains: Option<Vec<DomainPattern>>,
    /// Partial branding update.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub branding: Option<UpdateBranding>,
    /// Partial pre-chat form update.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub prechat: Option<UpdatePrechat>,
    /// New theme.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub theme: Option<WidgetTheme>,
    /// Turns identity verification's enforcement on or off.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub require_identity: Option<bool>,
}

/// The `prechat` of [`UpdateWidgetConfig`]: absent fields are left unchanged.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdatePrechat {
    /// Show or hide the form.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub enabled: Option<bool>,
    /// Require a name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub require_name: Option<bool>,
    /// Require an email address.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub require_email: Option<bool>,
}

impl Prechat {
    /// `self` with the fields `patch` sends.
    pub fn patched(self, patch: UpdatePrechat) -> Prechat {
        Prechat {
            enabled: patch.enabled.unwrap_or(self.enabled),
            require_name: patch.require_name.unwrap_or(self.require_name),
            require_email: patch.require_email.unwrap_or(self.require_email),
        }
    }
}

/// Answer to `POST /widget/identity-secret` (201): the new identity secret, shown
/// once. It replaces any earlier one at once; the site's server keeps it and signs
/// each visitor's user id (or email) with it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentitySecret {
    /// `idsec_…`: the HMAC-SHA256 key of `user_hash`.
    pub secret: String,
}

/// The `branding` of [`UpdateWidgetConfig`]: absent fields are left unchanged.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateBranding {
    /// Show or hide "Powered by ChatFlow".
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub show_powered_by: Option<bool>,
    /// `Some(Some(url))` sets, `Some(None)` (JSON `null`) removes the logo.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::nullable"
    )]
    pub logo_url: Option<Option<HttpUrl>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn position_uses_hyphens() {
        assert_eq!(WidgetPosition::BottomRight.as_str(), "bottom-right");
        assert!("bottom_right".parse::<WidgetPosition>().is_err());
        assert_eq!(WidgetShape::SPELLINGS, &["rounded", "square", "circle"]);
    }

    #[test]
    fn prechat_patch_changes_only_what_it_sends() {
        let req: UpdateWidgetConfig =
            serde_json::from_value(json!({"prechat": {"enabled": true}, "theme": "auto"})).unwrap();
        assert_eq!(req.theme, Some(WidgetTheme::Auto));
        let before = Prechat {
            enabled: false,
            require_name: true,
            require_email: false,
        };
        let after = before.patched(req.prechat.unwrap());
        assert!(after.enabled && after.require_name && !after.require_email);
        assert_eq!(WidgetTheme::default(), WidgetTheme::Light);
        assert_eq!(
            Prechat::default(),
            serde_json::from_value::<Prechat>(
                json!({"enabled": false, "require_name": false, "require_email": false})
            )
            .unwrap()
        );
    }

    #[test]
    fn patch_normalises_and_validates() {
        let req: UpdateWidgetConfig = serde_json::from_value(json!({
            "color": "#6366f1",
            "domains": ["Company.uz", "*.company.uz"],
            "branding": {"logo_url": null}
        }))
        .unwrap();
        assert_eq!(req.color.unwrap().as_str(), "#6366F1");
        assert_eq!(req.domains.unwrap()[0].as_str(), "company.uz");
        assert_eq!(req.branding.unwrap().logo_url, Some(None));
        let req: UpdateWidgetConfig =
            serde_json::from_value(json!({"require_identity": true})).unwrap();
        assert_eq!(req.require_identity, Some(true));
        for bad in [
            json!({"color": "blue"}),
            json!({"shape": "oval"}),
            json!({"domains": ["https://company.uz"]}),
            json!({"button_text": ""}),
            json!({"branding": {"logo": "https://a.uz/x.png"}}),
            json!({"branding": {"logo_url": "data:image/png;base64,xx"}}),
            json!({"colour": "#000000"}),
            json!({"color": null}),
            json!({"branding": {"show_powered_by": null}}),
            json!({"theme": "sepia"}),
            json!({"theme": null}),
            json!({"prechat": {"enabled": "yes"}}),
            json!({"prechat": {"require_phone": true}}),
            json!({"prechat": null}),
            json!({"require_identity": null}),
            json!({"require_identity": "yes"}),
        ] {
            assert!(
                serde_json::from_value::<UpdateWidgetConfig>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
