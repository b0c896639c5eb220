// The one place the UI imports shared Rust types from: the ts-rs bindings generated into
// ./bindings by `cargo test -p congdan-protocol -p congdan-core`. Unit and UnitLevel are not
// generated yet (no exported core model references them), so they still come from the
// hand-written mirror in ./bindings-pending.ts; move them here once bindings/Unit.ts exists.
export type { Channel } from "./bindings/Channel";
export type { ErrorBody } from "./bindings/ErrorBody";
export type { ErrorCode } from "./bindings/ErrorCode";
export type { Facet } from "./bindings/Facet";
export type { Freshness } from "./bindings/Freshness";
export type { HomeUnit } from "./bindings/HomeUnit";
export type { LegalDoc } from "./bindings/LegalDoc";
export type { Media } from "./bindings/Media";
export type { NewsDetail } from "./bindings/NewsDetail";
export type { NewsItem } from "./bindings/NewsItem";
export type { NewsList } from "./bindings/NewsList";
export type { NewsSummary } from "./bindings/NewsSummary";
export type { Procedure } from "./bindings/Procedure";
export type { ProcedureDetail } from "./bindings/ProcedureDetail";
export type { ProcedureFacets } from "./bindings/ProcedureFacets";
export type { ProcedureHit } from "./bindings/ProcedureHit";
export type { ProcedureQuery } from "./bindings/ProcedureQuery";
export type { ProcedureResults } from "./bindings/ProcedureResults";
export type { RequiredDocument } from "./bindings/RequiredDocument";
export type { ResourceReport } from "./bindings/ResourceReport";
export type { ResourceStatus } from "./bindings/ResourceStatus";
export type { SyncProgress } from "./bindings/SyncProgress";
export type { SyncReport } from "./bindings/SyncReport";
export type { SyncStatus } from "./bindings/SyncStatus";
export type { Unit, UnitLevel } from "./bindings-pending";
