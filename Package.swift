// swift-tools-version:6.1
// Theta: the one-hidden-layer sigmoid network of the course's exercise 4, as a
// model format, a runtime, converters and a command-line tool.
import PackageDescription

let package = Package(
  name: "Theta",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "theta", targets: ["theta"]),
    .library(name: "ModelFormat", targets: ["ModelFormat"]),
    .library(name: "Inference", targets: ["Inference"]),
    .library(name: "Conversion", targets: ["Conversion"]),
    // Exchange, Datasets and Checksums are products so that the fuzz package (Fuzz/) can use them.
    .library(name: "Exchange", targets: ["Exchange"]),
    .library(name: "Datasets", targets: ["Datasets"]),
    .library(name: "Checksums", targets: ["Checksums"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // MARK: - C libraries (system packages, wrapped by exactly one Swift module each)
    .systemLibrary(
      name: "CMatio", pkgConfig: "matio", providers: [.apt(["libmatio-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(
      name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(
      name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),

    // MARK: - Libraries
    /// CRC-32C and SHA-256, pure Swift.
    .target(name: "Checksums"),
    /// Atomic file replacement (temporary file, fsync, rename) and whole-file reads.
    .target(name: "SafeFile"),
    /// The `.theta` model file format: reader, writer, metadata. Pure Swift.
    .target(name: "ModelFormat", dependencies: ["Checksums", "SafeFile"]),
    /// Dense matrices and the BLAS products; the only importer of CBLAS.
    .target(name: "LinearAlgebra", dependencies: ["CBLAS"]),
    /// The inference runtime: forward propagation and prediction. No matio, no HDF5.
    /// Theta's own element-wise C kernels (the sigmoid), one copy per vector width,
    /// picked for the CPU at load time.
    .target(name: "CKernels"),
    /// Training's vectorised logarithm (C, one build per vector width, chosen at load time).
    .target(name: "CTrainingKernels"),
    .target(name: "Inference", dependencies: ["ModelFormat", "LinearAlgebra", "CKernels"]),
    /// Training as in the seed: cost, backpropagation, gradient checking, CG and L-BFGS.
    .target(
      name: "Training", dependencies: ["LinearAlgebra", "ModelFormat", "Inference", "Checksums", "CTrainingKernels"]),
    /// MAT files (v4, v5, v7.3) through libmatio, with structural checks matio lacks.
    .target(name: "MatFile", dependencies: ["CMatio", "CZlib", "CDeflate", "HDF5File", "Checksums"]),
    /// Example matrices (X, y) from MAT and CSV files.
    .target(name: "Datasets", dependencies: ["MatFile", "LinearAlgebra"]),
    /// PNG pictures through libpng's simplified API; the only importer of CPNG.
    .target(name: "PNGImage", dependencies: ["CPNG", "SafeFile"]),
    /// Digit grids, hidden units and training curves drawn as pictures.
    .target(name: "Rendering", dependencies: ["PNGImage", "ModelFormat", "Inference", "LinearAlgebra"]),
    /// HDF5 files through libhdf5; the only importer of CHDF5.
    .target(name: "HDF5File", dependencies: ["CHDF5"]),
    /// Exports and imports: HDF5, CSV, MAT, safetensors, ONNX.
    .target(
      name: "Exchange",
      dependencies: ["ModelFormat", "HDF5File", "MatFile", "Checksums", "SafeFile"]),
    /// Course weight files to Theta models and back.
    .target(name: "Conversion", dependencies: ["MatFile", "ModelFormat"]),

    // MARK: - Tool
    .executableTarget(
      name: "theta",
      dependencies: [
        "ModelFormat", "Inference", "MatFile", "Datasets", "Conversion", "Checksums", "SafeFile",
        "Training", "PNGImage", "Rendering", "HDF5File", "Exchange",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Tests
    .target(name: "TestSupport", dependencies: ["Training"], path: "Tests/TestSupport"),
    .testTarget(name: "ChecksumsTests", dependencies: ["Checksums", "TestSupport"]),
    .testTarget(name: "SafeFileTests", dependencies: ["SafeFile", "TestSupport"]),
    .testTarget(name: "ModelFormatTests", dependencies: ["ModelFormat", "TestSupport"]),
    .testTarget(
      name: "InferenceTests",
      dependencies: ["Inference", "LinearAlgebra", "ModelFormat", "TestSupport"]),
    .testTarget(
      name: "TrainingTests",
      dependencies: ["Training", "LinearAlgebra", "ModelFormat", "Datasets", "TestSupport"]),
    .testTarget(
      name: "RenderingTests", dependencies: ["Rendering", "PNGImage", "ModelFormat", "TestSupport"]),
    .testTarget(
      name: "ExchangeTests", dependencies: ["Exchange", "HDF5File", "ModelFormat", "TestSupport"]),
    .testTarget(name: "MatFileTests", dependencies: ["MatFile", "HDF5File", "TestSupport"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
    .testTarget(
      name: "ConversionTests",
      dependencies: ["Conversion", "ModelFormat", "MatFile", "TestSupport"]),
    .testTarget(name: "ToolTests", dependencies: ["TestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
