//! Wire types of the Cổng Dân content API (`/api/v1`).
//!
//! Every JSON body that crosses the network is defined here once, as plain serde
//! structs with no I/O, so that the server and the client core cannot drift apart.
//! The same types are exported to TypeScript (ts-rs) for the UI.
//!
//! This crate deliberately knows nothing about storage, HTTP clients or parsing
//! of outside formats.
#![deny(missing_docs)]

pub mod alerts;
pub mod announcements;
pub mod bulletins;
pub mod bus;
pub mod error;
pub mod news;
pub mod open311;
pub mod outages;
pub mod procedures;
pub mod requests;
pub mod sync;
pub mod units;

pub use alerts::{Alert, AlertInput, Category, Certainty, Severity, Urgency};
pub use bulletins::{Bulletin, BulletinInput, CaseCount, VaccinationPlace};
pub use bus::{BUS_NETWORK_CONTENT_TYPE, BusNetworkInfo};
pub use error::ErrorBody;
pub use news::NewsItem;
pub use open311::{
    Attribute, AttributeValue, Datatype, DetailedStatus, Open311Code, Open311Error, Service,
    ServiceDefinition, ServiceRequest, ServiceRequestUpdate, Status,
};
pub use outages::{Outage, OutageInput, OutageSource, OutageStatus};
pub use procedures::{
    Channel, LegalDoc, Procedure, ProcedureSearchResult, ProcedureSummary, RequiredDocument,
};
pub use requests::{Device, MyRequest, Role, Session, StatusChange, TimelineEntry, Upload};
pub use sync::{
    BUNDLE_CONTENT_TYPE, CheckAnswer, CheckRequest, FeedName, FeedTag, Health, HolidayDay, Page,
};
pub use units::{Unit, UnitLevel};
