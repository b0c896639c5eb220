// Hand-written mirror of the Rust types that ts-rs has not generated into ./bindings yet.
// Field names follow serde exactly (protocol types are snake_case). Delete each type once
// its generated file exists, and re-export that from models.ts instead.

/** Level of an administrative unit (congdan_protocol::UnitLevel, snake_case). */
export type UnitLevel = "province" | "commune";

/** One administrative unit (tỉnh/thành phố, xã/phường/đặc khu) (congdan_protocol::Unit). */
export type Unit = { code: string; name: string; level: UnitLevel; parent: string | null; kind: string };
