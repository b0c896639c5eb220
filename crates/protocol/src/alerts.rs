//! Alerts (cảnh báo) in the terms of CAP 1.2 (OASIS Common Alerting Protocol):
//! the enumerations the server validates and the client orders by, and the
//! alert as `GET /api/v1/alerts?unit=` pages it. Serde only, no I/O.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares a CAP enumeration: its wire (and CAP) spelling is the variant name.
macro_rules! cap_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
        #[ts(export)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in the order of the CAP 1.2 specification.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The CAP spelling ("Severe").
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant)),+
                }
            }

            /// The value spelled `text` exactly as CAP does, if any.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }
    };
}

cap_enum!(
    /// `<severity>`, most severe first (so `Ord` sorts the most severe first).
    Severity {
        /// Extraordinary threat to life or property.
        Extreme,
        /// Significant threat to life or property.
        Severe,
        /// Possible threat to life or property.
        Moderate,
        /// Minimal to no known threat.
        Minor,
        /// Not known.
        Unknown,
    }
);

cap_enum!(
    /// `<urgency>`, most urgent first.
    Urgency {
        /// Act now.
        Immediate,
        /// Act soon (within the next hour).
        Expected,
        /// Act in the near future.
        Future,
        /// No longer required.
        Past,
        /// Not known.
        Unknown,
    }
);

cap_enum!(
    /// `<certainty>`, most certain first.
    Certainty {
        /// Determined to have occurred or to be ongoing.
        Observed,
        /// Likely (p > ~50%).
        Likely,
        /// Possible but not likely.
        Possible,
        /// Not expected to occur.
        Unlikely,
        /// Not known.
        Unknown,
    }
);

cap_enum!(
    /// `<category>` of the event.
    Category {
        /// Geophysical (incl. landslide).
        Geo,
        /// Meteorological (incl. flood).
        Met,
        /// General emergency and public safety.
        Safety,
        /// Law enforcement, military, homeland and local/private security.
        Security,
        /// Rescue and recovery.
        Rescue,
        /// Fire suppression and rescue.
        Fire,
        /// Medical and public health.
        Health,
        /// Pollution and other environmental.
        Env,
        /// Public and private transportation.
        Transport,
        /// Utility, telecommunication, other non-transport infrastructure.
        Infra,
        /// Chemical, biological, radiological, nuclear or high-yield explosive.
        CBRNE,
        /// Other events.
        Other,
    }
);

/// One alert as it concerns one unit, as `GET /api/v1/alerts?unit=` pages it.
/// Key: `id`. The first `info` block in Vietnamese (else the first one) gives the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Alert {
    /// Key of this item: `<alert>@<unit>`.
    pub id: String,
    /// The alert's server id (`GET /api/v1/alerts/{alert}.cap`).
    pub alert: String,
    /// Unit code this item is for.
    pub unit: String,
    /// Every unit code the alert concerns.
    pub units: Vec<String>,
    /// CAP `<identifier>`.
    pub identifier: String,
    /// CAP `<sender>`.
    pub sender: String,
    /// CAP `<sent>`.
    #[ts(type = "string")]
    pub sent: DateTime<FixedOffset>,
    /// `Alert`, `Update` or `Cancel` (CAP `<msgType>`); a cancelled alert is inactive.
    pub msg_type: String,
    /// CAP `<event>`.
    pub event: String,
    /// Categories of the event.
    pub categories: Vec<Category>,
    /// How severe.
    pub severity: Severity,
    /// How urgent.
    pub urgency: Urgency,
    /// How certain.
    pub certainty: Certainty,
    /// One-line headline (may be empty).
    pub headline: String,
    /// Description (may be empty).
    pub description: String,
    /// What to do (may be empty).
    pub instruction: String,
    /// Language of the text (`vi-VN`, `en-US`, …).
    pub language: String,
    /// Area as described by the sender.
    pub area: String,
    /// When it stops being active; absent means until cancelled.
    #[ts(type = "string | null")]
    pub expires: Option<DateTime<FixedOffset>>,
}

/// Body of `POST /api/v1/officer/alerts`: a new alert for units in the officer's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AlertInput {
    /// Unit codes (at least one).
    pub units: Vec<String>,
    /// CAP category.
    pub category: Category,
    /// What happens ("Bão số 3", "Ngập lụt").
    pub event: String,
    /// How urgent.
    pub urgency: Urgency,
    /// How severe.
    pub severity: Severity,
    /// How certain.
    pub certainty: Certainty,
    /// One-line headline.
    pub headline: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// What residents should do.
    #[serde(default)]
    pub instruction: String,
    /// When it stops being active; absent means until cancelled.
    #[serde(default)]
    #[ts(type = "string | null")]
    pub expires: Option<DateTime<FixedOffset>>,
}
