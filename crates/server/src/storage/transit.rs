//! [`TransitStorage`]: the bus network of each province (table `bus_networks`, see
//! `migrations.rs`). A network is one opaque body (the compressed compact form) plus
//! the few facts the list and the headers need; an ingest replaces a province's row
//! whole. Building and checking networks belong to `congdan-transit` and
//! [`crate::commands::bus`]; this module only stores them.

use super::StorageFuture;

/// What is known about a stored network without reading its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusNetworkMeta {
    /// Province code (`79` for Hồ Chí Minh City).
    pub province: String,
    /// The feed's version label.
    pub version: String,
    /// Strong ETag value of the body (quoted).
    pub etag: String,
    /// When it was ingested, RFC 3339 UTC.
    pub ingested_at: String,
    /// Counts shown to operators and users.
    pub stops: u32,
    /// Routes in the network.
    pub routes: u32,
    /// Trips in the network.
    pub trips: u32,
    /// Length of the body in bytes.
    pub bytes: u64,
}

/// Bus networks by province.
pub trait TransitStorage: Send + Sync + 'static {
    /// Stores `body` as the network of `meta.province`, replacing the previous one.
    fn put_bus_network(&self, meta: BusNetworkMeta, body: Vec<u8>) -> StorageFuture<'_, ()>;

    /// The metadata of every stored network, by province.
    fn bus_networks(&self) -> StorageFuture<'_, Vec<BusNetworkMeta>>;

    /// The metadata and body of one province's network.
    fn bus_network(&self, province: String)
    -> StorageFuture<'_, Option<(BusNetworkMeta, Vec<u8>)>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::both_engines::on_both_engines;

    on_both_engines!(a_province_keeps_one_network_and_others_are_untouched);

    fn m(province: &str, etag: &str, bytes: u64) -> BusNetworkMeta {
        BusNetworkMeta {
            province: province.into(),
            version: "v".into(),
            etag: etag.into(),
            ingested_at: "2026-12-05T00:00:00Z".into(),
            stops: 1,
            routes: 2,
            trips: 3,
            bytes,
        }
    }

    async fn a_province_keeps_one_network_and_others_are_untouched<S: TransitStorage>(s: &S) {
        assert!(s.bus_network("79".into()).await.unwrap().is_none());
        s.put_bus_network(m("79", "\"a\"", 3), vec![1, 2, 3])
            .await
            .unwrap();
        s.put_bus_network(m("01", "\"h\"", 1), vec![9])
            .await
            .unwrap();
        s.put_bus_network(m("79", "\"b\"", 2), vec![4, 5])
            .await
            .unwrap();
        let (meta, body) = s.bus_network("79".into()).await.unwrap().unwrap();
        assert_eq!((meta.etag.as_str(), body), ("\"b\"", vec![4, 5]));
        assert_eq!(meta.bytes, 2);
        let all = s.bus_networks().await.unwrap();
        assert_eq!(
            all.iter().map(|m| m.province.as_str()).collect::<Vec<_>>(),
            ["01", "79"]
        );
    }
}
