// swift-tools-version:6.1
// libFuzzer targets for Theta's readers (issue 6). Not part of the root package:
// build with `make fuzz-build` (see README.md), which passes
// `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld`.
// Each target's `@main` runs libFuzzer's driver on its `LLVMFuzzerTestOneInput`.
import PackageDescription

func theta(_ name: String) -> Target.Dependency { .product(name: name, package: "main") }

let package = Package(
  name: "ThetaFuzz",
  dependencies: [.package(name: "main", path: "..")],
  targets: [
    /// The declaration of libFuzzer's `LLVMFuzzerRunDriver`.
    .target(name: "CFuzzerDriver"),
    /// Helpers shared by the targets: bytes from libFuzzer, checksum repair, bitwise comparison.
    .target(
      name: "FuzzSupport", dependencies: ["CFuzzerDriver", theta("ModelFormat"), theta("Checksums")]),
    /// `.theta` files: `ModelFile.decode`, on the raw bytes and with the checksums repaired.
    .executableTarget(name: "fuzz-theta", dependencies: ["FuzzSupport", theta("ModelFormat")]),
    /// Example CSV files: `Dataset.csv(data:)`, with and without a label column.
    .executableTarget(name: "fuzz-csv-dataset", dependencies: ["FuzzSupport", theta("Datasets")]),
    /// CSV model exports: `CSVExchange.decode(files:path:)` (sidecar and matrix files).
    .executableTarget(
      name: "fuzz-csv-model", dependencies: ["FuzzSupport", theta("Exchange"), theta("ModelFormat")]),
    /// safetensors imports: `Safetensors.decode(_:file:)`.
    .executableTarget(
      name: "fuzz-safetensors", dependencies: ["FuzzSupport", theta("Exchange"), theta("ModelFormat")]),
    /// ONNX imports: `ONNXImport.decode(_:file:)`.
    .executableTarget(
      name: "fuzz-onnx", dependencies: ["FuzzSupport", theta("Exchange"), theta("ModelFormat")]),
  ],
  swiftLanguageModes: [.v6]
)
