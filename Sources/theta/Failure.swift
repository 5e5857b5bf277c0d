import ArgumentParser
import Conversion
import Datasets
import Exchange
import FoundationEssentials
import Inference
import LinearAlgebra
import MatFile
import ModelFormat
import PNGImage
import SafeFile

/// Exit codes, listed in `theta --help`.
enum Exit {
  /// Bad or damaged input (sysexits `EX_DATAERR`).
  static let badInput: Int32 = 65
  /// The output exists or would overwrite an input (`EX_CANTCREAT`).
  static let cannotCreate: Int32 = 73
  /// A file could not be read or written (`EX_IOERR`).
  static let io: Int32 = 74
}

/// Prints `theta: <message>` to stderr.
func warn(_ message: String) {
  SafeFile.writeStandardError("theta: " + message + "\n")
}

/// Runs `body`; a library error becomes one line on stderr and the matching exit code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let e as ExitCode {
    throw e
  } catch let e as ValidationError {
    throw e
  } catch {
    warn("\(error)")
    throw ExitCode(exitCode(for: error))
  }
}

private func exitCode(for error: any Error) -> Int32 {
  func safe(_ e: SafeFileError) -> Int32 {
    switch e {
    case .exists, .wouldOverwriteInput: Exit.cannotCreate
    case .system, .tooLarge: Exit.io
    }
  }
  switch error {
  case let e as SafeFileError: return safe(e)
  case ModelFormatError.io(let e): return safe(e)
  case ExchangeError.io(let e): return safe(e)
  case PNGError.io(let e): return safe(e)
  case MatFileError.cannotRead, ConversionError.mat(.cannotRead): return Exit.io
  case DatasetError.cannotRead, DatasetError.mat(.cannotRead): return Exit.io
  default: return Exit.badInput
  }
}

/// Parses `400,25,10` into sizes.
func parseList(_ text: String, option: String) throws -> [Int] {
  let parts = text.split(separator: ",", omittingEmptySubsequences: false)
  let values = parts.compactMap { Int(trimmedBlanks($0)) }
  guard values.count == parts.count, !values.isEmpty else {
    throw ValidationError("\(option) \(text): expected whole numbers separated by commas, e.g. 400,25,10.")
  }
  return values
}

/// Parses `--input-shape HxW` (e.g. `20x20`) into `[H, W]`.
func parseInputShape(_ text: String) throws -> [Int] {
  let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
  guard parts.count == 2, let h = parts[0], let w = parts[1], h > 0, w > 0 else {
    throw ValidationError("--input-shape \(text): expected HxW, e.g. 20x20.")
  }
  return [h, w]
}

/// Examples from a MAT file (`x`, and `y` when present or required), a CSV file
/// (the label last when `csvLabels`), or `-` for CSV on standard input. A MAT file's
/// `x` comes in `layout`; CSV rows are always row-major.
func loadExamples(
  _ path: String, x: String, y: String, requireY: Bool, csvLabels: Bool,
  layout: MatrixLayout = .columnMajor
) throws -> Dataset {
  let column: LabelColumn = csvLabels ? .last : .none
  if path == "-" {
    return try Dataset.csv(data: try SafeFile.readStandardInput(), name: "<stdin>", labelColumn: column)
  }
  let lower = path.lowercased()
  if lower.hasSuffix(".csv") || lower.hasSuffix(".txt") {
    return try Dataset.csv(path: path, labelColumn: column)
  }
  return try Dataset.mat(path: path, x: x, y: y, requireY: requireY, layout: layout)
}
