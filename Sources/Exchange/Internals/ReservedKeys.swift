import ModelFormat

/// The entries the exports add beside a model's metadata: ``MetadataText/encode(_:dtype:)``'s
/// `theta.types`, `theta.format_version` and `theta.dtype`, and the CSV sidecar's `theta.layout`.
///
/// A model whose own metadata holds one of these keys would be exported with the key
/// twice, a file Theta then refuses, so importers refuse a file that gives one of them
/// as a model key (found by fuzzing, issue 6).
enum ReservedKeys {
  /// The reserved keys.
  static let keys = [MetadataText.typesKey, MetadataText.formatKey, MetadataText.dtypeKey, "theta.layout"]

  /// The first reserved key in `metadata`, or `nil`.
  static func first(in metadata: Metadata) -> String? {
    keys.first { metadata[$0] != nil }
  }

  /// The reason an import refuses `key`.
  static func reason(_ key: String) -> String {
    "metadata key '\(key)' is reserved for Theta's export entries; it cannot be a model key"
  }
}
