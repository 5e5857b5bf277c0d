extension Matrix {
  /// Replaces every element `a` by `transform(a)`, in place, in storage order.
  ///
  /// The loop runs over the raw buffer (no bounds checks, one uniqueness
  /// check); it is `@inlinable` so the closure is specialised at the call site.
  ///
  /// - Parameter transform: the function applied to each element, e.g. the
  ///   logistic `1 / (1 + exp(-z))`.
  @inlinable
  public mutating func mapInPlace(_ transform: (Double) -> Double) {
    _storage.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      for i in 0..<buffer.count {
        base[i] = transform(base[i])
      }
    }
  }
}

extension Matrix {
  /// Calls `body` with the mutable storage buffer (in ``layout`` order), for
  /// element-wise kernels in other modules' `Internals/` folders.
  ///
  /// The storage is made unique first (copy-on-write), so writes never reach
  /// another matrix sharing it. `body` must not let the pointer escape.
  ///
  /// - Parameter body: receives the `rows × columns` elements.
  /// - Returns: what `body` returns.
  /// - Throws: what `body` throws.
  @inlinable
  public mutating func withUnsafeMutableStorage<R, E: Error>(
    _ body: (UnsafeMutableBufferPointer<Double>) throws(E) -> R
  ) throws(E) -> R {
    try _storage.withUnsafeMutableBufferPointer { (buffer) throws(E) -> R in try body(buffer) }
  }
}
