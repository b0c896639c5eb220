// Hand-written mirror of the Rust types that ts-rs has not generated into ./bindings yet.
// Field names follow serde exactly (protocol types are snake_case, core models camelCase).
// Delete each type once its generated file exists, and re-export that from models.ts instead.

/** Level of an administrative unit (congdan_protocol::UnitLevel, snake_case). */
export type UnitLevel = "province" | "commune" | "village";

/** One administrative unit (tỉnh/thành phố, xã/phường/đặc khu) (congdan_protocol::Unit). */
export type Unit = { code: string; name: string; level: UnitLevel; parent: string | null; kind: string };

// ---- congdan_protocol::open311 (snake_case, as Open311 names them) ----

/** One service a resident can send a request to (open311::Service). */
export type Service = {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: string;
  /** Comma-separated search keywords. */
  keywords: string;
  group: string;
};

/** Datatype of a service attribute (open311::Datatype). */
export type Datatype = "string" | "number" | "datetime" | "text" | "singlevaluelist" | "multivaluelist";

/** One allowed value of a list attribute (open311::AttributeValue). */
export type AttributeValue = { key: string; name: string };

/** One question of a service's form (open311::Attribute). */
export type Attribute = {
  variable: boolean;
  code: string;
  datatype: Datatype;
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values: Array<AttributeValue>;
};

/** The form of one service (open311::ServiceDefinition). */
export type ServiceDefinition = { service_code: string; attributes: Array<Attribute> };
