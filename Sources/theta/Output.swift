#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// printf formatting without Foundation (so that a `theta` process loads neither Foundation
// nor ICU: about 4 ms of every start-up).

/// `arguments` formatted by C's `printf` rules (`vsnprintf`); an `Int` takes `%ld`.
func formatted(_ template: String, _ arguments: any CVarArg...) -> String {
  var size = 256
  while true {
    var buffer = [CChar](repeating: 0, count: size)
    let needed = withVaList(arguments) { Int(vsnprintf(&buffer, size, template, $0)) }
    if needed < size { return buffer.withUnsafeBufferPointer { $0.baseAddress.map { String(cString: $0) } ?? "" } }
    size = needed + 1  // too long for the buffer: once more with room for all of it
  }
}
