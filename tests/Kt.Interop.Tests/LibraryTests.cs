using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Kt.Interop.Tests;

/// <summary>The library's identity, the binding's declarations against kt.h, and where the library is loaded from.</summary>
[Collection(NativeEngineCollection.Name)]
public class LibraryTests(NativeEngineFixture fixture)
{
    [Fact]
    public void Abi_version_is_the_one_the_binding_expects()
    {
        Assert.Equal(1, KtLibrary.ExpectedAbiVersion);
        Assert.Equal(KtLibrary.ExpectedAbiVersion, KtLibrary.AbiVersion);
        KtLibrary.EnsureCompatible();
        Assert.Matches(@"^\d+\.\d+\.\d+", KtLibrary.Version);
        Assert.Equal(KtResult.Ok, KtNative.Nop());
    }

    [Fact]
    public void Error_strings_name_every_code()
    {
        Assert.Equal("success", KtNative.ErrorString(KtResult.Ok));
        Assert.Equal("the span has finished or was released", KtNative.ErrorString(KtResult.Stale));
        Assert.Equal("an argument is out of range or malformed", KtNative.ErrorString(KtResult.InvalidArgument));
        foreach (var code in Enum.GetValues<KtResult>())
            Assert.NotEqual("unknown status", KtNative.ErrorString(code));
        Assert.Equal("unknown status", KtNative.ErrorString((KtResult)(-100)));
        Assert.Equal("unknown status", KtNative.ErrorString((KtResult)1));
    }

    [Fact]
    public void Result_codes_are_kt_h_codes()
    {
        var header = File.ReadAllText(Path.Combine(fixture.RepoRoot, "native", "include", "kt.h"));
        var codes = Regex.Matches(header, @"XX\((\w+),\s*(-?\d+),").ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        Assert.Equal(11, codes.Count);
        var expected = new Dictionary<string, KtResult>
        {
            ["OK"] = KtResult.Ok, ["E_STALE"] = KtResult.Stale, ["E_INVALID_HANDLE"] = KtResult.InvalidHandle,
            ["E_INVALID_ARGUMENT"] = KtResult.InvalidArgument, ["E_LIMIT"] = KtResult.Limit, ["E_NOT_INITIALIZED"] = KtResult.NotInitialized,
            ["E_BUFFER_TOO_SMALL"] = KtResult.BufferTooSmall, ["E_ALREADY_INITIALIZED"] = KtResult.AlreadyInitialized,
            ["E_TIMEOUT"] = KtResult.Timeout, ["E_INTERNAL"] = KtResult.Internal, ["E_SPANS_LOST"] = KtResult.SpansLost,
        };
        foreach (var (name, value) in codes)
            Assert.Equal(value, (int)expected[name]);
    }

    /// <summary>Every function kt.h declares has an import with as many parameters, and nothing else is imported.</summary>
    [Fact]
    public void Every_function_of_kt_h_is_imported()
    {
        var header = File.ReadAllText(Path.Combine(fixture.RepoRoot, "native", "include", "kt.h"));
        header = Regex.Replace(header, @"/\*.*?\*/", " ", RegexOptions.Singleline);
        var declared = Regex.Matches(header, @"^(?:const\s+)?\w+\s*\*?\s*(kt_\w+)\s*\(([^)]*)\)\s*;", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim() == "void" ? 0 : m.Groups[2].Value.Split(',').Length);
        Assert.True(declared.Count >= 29, $"only {declared.Count} prototypes found in kt.h");

        var imports = typeof(KtLibrary).Assembly.GetType("Kt.Interop.NativeMethods", throwOnError: true)!
            .GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(m => m.GetCustomAttribute<LibraryImportAttribute>() is not null)
            .ToDictionary(m => m.Name);
        Assert.Empty(declared.Keys.Except(imports.Keys));
        Assert.Empty(imports.Keys.Except(declared.Keys));
        foreach (var (name, parameters) in declared)
        {
            var method = imports[name];
            Assert.Equal(parameters, method.GetParameters().Length);
            Assert.Equal("kt", method.GetCustomAttribute<LibraryImportAttribute>()!.LibraryName);
            // Blittable only: no bool, string, arrays or managed refs in any signature.
            foreach (var type in method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType))
                Assert.True(type.IsPointer || type.IsPrimitive && type != typeof(bool) && type != typeof(char), $"{name}: {type} is not blittable");
        }
    }

    /// <summary>The structs match the x86-64 layout of kt.h's.</summary>
    [Fact]
    public void Structs_have_the_C_layout()
    {
        Assert.Equal(16, Unsafe.SizeOf<KtStr>());
        Assert.Equal(16, Unsafe.SizeOf<KtValue>());
        Assert.Equal(40, Unsafe.SizeOf<KtAttribute>());
        Assert.Equal(16, (int)Marshal.OffsetOf<KtAttribute>(nameof(KtAttribute.Type)));
        Assert.Equal(24, (int)Marshal.OffsetOf<KtAttribute>(nameof(KtAttribute.Value)));
        Assert.Equal(32, Unsafe.SizeOf<KtOption>());
        Assert.Equal(16, (int)Marshal.OffsetOf<KtOption>(nameof(KtOption.Value)));
        Assert.Equal(40, Unsafe.SizeOf<KtSpanOptions>());
        Assert.Equal(8, (int)Marshal.OffsetOf<KtSpanOptions>(nameof(KtSpanOptions.Kind)));
        Assert.Equal(12, (int)Marshal.OffsetOf<KtSpanOptions>(nameof(KtSpanOptions.ShouldSample)));
        Assert.Equal(16, (int)Marshal.OffsetOf<KtSpanOptions>(nameof(KtSpanOptions.Parent)));
        Assert.Equal(24, (int)Marshal.OffsetOf<KtSpanOptions>(nameof(KtSpanOptions.Attributes)));
        Assert.Equal(32, (int)Marshal.OffsetOf<KtSpanOptions>(nameof(KtSpanOptions.AttributeCount)));
        Assert.Equal(80, Unsafe.SizeOf<KtCountersNative>());
        Assert.Equal(72, (int)Marshal.OffsetOf<KtCountersNative>(nameof(KtCountersNative.SlotsInUse)));
        Assert.Equal(48, Unsafe.SizeOf<KtExporterCountersNative>());
        Assert.Equal(160, Unsafe.SizeOf<KtSpanInfoNative>());
        Assert.Equal(32, (int)Marshal.OffsetOf<KtSpanInfoNative>(nameof(KtSpanInfoNative.Parent)));
        Assert.Equal(104, (int)Marshal.OffsetOf<KtSpanInfoNative>(nameof(KtSpanInfoNative.StartTimeNs)));
        Assert.Equal(120, (int)Marshal.OffsetOf<KtSpanInfoNative>(nameof(KtSpanInfoNative.Kind)));
        Assert.Equal(156, (int)Marshal.OffsetOf<KtSpanInfoNative>(nameof(KtSpanInfoNative.LinkCount)));
    }

    [Fact]
    public void Use_accepts_the_same_path_again_and_refuses_another()
    {
        Assert.Equal(fixture.LibraryPath, KtLibrary.BoundPath);
        KtLibrary.Use(fixture.LibraryPath);
        KtLibrary.Use(Path.Combine(fixture.RepoRoot, "artifacts", "..", "artifacts", "native", "libkt.so"));
        var e = Assert.Throws<InvalidOperationException>(() => KtLibrary.Use("/nonexistent/libkt.so"));
        Assert.Contains("/nonexistent/libkt.so", e.Message);
        Assert.Throws<ArgumentException>(() => KtLibrary.Use(""));
        Assert.Equal(fixture.LibraryPath, KtLibrary.BoundPath);
    }
}
