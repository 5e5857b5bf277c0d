#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Text output without Foundation (so that a `theta` process loads neither Foundation
// nor ICU: about 4 ms of every start-up).

/// Writes `text` to standard error at once (unbuffered, like `FileHandle.standardError`).
func writeStandardError(_ text: String) { writeAll(STDERR_FILENO, text) }

/// Writes `text` to standard output at once (unbuffered).
func writeStandardOutput(_ text: String) { writeAll(STDOUT_FILENO, text) }

/// `write(2)` until every byte of `text` is written; stops quietly on an error other
/// than `EINTR` (a closed pipe: the reader has gone).
private func writeAll(_ descriptor: Int32, _ text: String) {
  var bytes = Array(text.utf8)
  bytes.withUnsafeMutableBytes { buffer in
    guard let base = buffer.baseAddress else { return }
    var done = 0
    while done < buffer.count {
      let n = write(descriptor, base + done, buffer.count - done)
      if n > 0 {
        done += n
      } else if n < 0 && errno == EINTR {
        continue
      } else {
        return
      }
    }
  }
}

/// `arguments` formatted by C's `printf` rules (`vsnprintf`); an `Int` takes `%ld`.
func formatted(_ template: String, _ arguments: any CVarArg...) -> String {
  withVaList(arguments) { list in
    var buffer = [CChar](repeating: 0, count: 256)
    let needed = Int(vsnprintf(&buffer, buffer.count, template, list))
    guard needed >= buffer.count else { return String(cString: buffer) }
    buffer = [CChar](repeating: 0, count: needed + 1)
    return withVaList(arguments) { again in
      _ = vsnprintf(&buffer, buffer.count, template, again)
      return String(cString: buffer)
    }
  }
}

/// `text` cut or padded with spaces to `width` characters.
func padded(_ text: String, to width: Int) -> String {
  text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
}

/// `text` without leading and trailing spaces and tabs.
func trimmedBlanks(_ text: Substring) -> Substring {
  let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
  guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) })
  else { return "" }
  return text[first...last]
}
