// The hot path's temporaries are always written before they are read; zeroing them on
// every call is measurable at the scale of a span's cost.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
