//! Working time of a Vietnamese commune office, one implementation for the
//! server (a request's deadline) and the client core (how much working time is
//! left, offline): [`holidays`] (the table of days off and swapped working
//! days, and the [`holidays::HolidayCalendar`] built from it) and [`deadlines`]
//! (adding and counting working hours). Pure functions: no clock, no I/O.
#![deny(missing_docs)]

pub mod deadlines;
pub mod holidays;
