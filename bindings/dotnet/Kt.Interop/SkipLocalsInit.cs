// Every stackalloc'd transcoding buffer is written before it is read; zeroing 512 bytes on
// each call would cost more than the call into the library.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
