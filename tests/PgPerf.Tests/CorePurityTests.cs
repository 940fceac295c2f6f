using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit;

namespace PgPerf.Tests;

/// <summary>
/// PgPerf.Core holds models and pure rules only (issue 19): it starts no process and writes no file, folder or
/// environment variable; the Engine does that. Read from the compiled Core assembly's references, so a call
/// hidden behind a using alias or a helper is found too.
/// </summary>
public sealed class CorePurityTests
{
    // Type -> the members Core may not call on it (empty: none at all).
    private static readonly Dictionary<string, string[]> Forbidden = new()
    {
        ["System.Diagnostics.Process"] = Array.Empty<string>(),
        ["System.Diagnostics.ProcessStartInfo"] = Array.Empty<string>(),
        ["System.IO.File"] = Array.Empty<string>(),
        ["System.IO.Directory"] = Array.Empty<string>(),
        ["System.IO.FileInfo"] = Array.Empty<string>(),
        ["System.IO.DirectoryInfo"] = Array.Empty<string>(),
        ["System.IO.FileStream"] = Array.Empty<string>(),
        ["System.Environment"] = new[] { "SetEnvironmentVariable", "Exit", "FailFast" },
    };

    [Fact]
    public void Core_starts_no_process_and_writes_no_file_folder_or_environment_variable()
    {
        var found = SideEffectCalls(typeof(PgPerfException).Assembly.Location);
        Assert.True(found.Count == 0, "PgPerf.Core calls " + string.Join(", ", found) + "; that belongs in PgPerf.Engine.");
    }

    [Fact]
    public void The_check_finds_such_a_call_in_an_assembly_that_has_one()
    {
        // The Engine runs crontab and writes unit files: the same check must see it there.
        var found = SideEffectCalls(typeof(PgPerf.Engine.EngineEntry).Assembly.Location);
        Assert.Contains("System.Diagnostics.Process.Start", found);
        Assert.Contains("System.IO.File.WriteAllText", found);
        Assert.Contains("System.IO.Directory.CreateDirectory", found);
    }

    private static List<string> SideEffectCalls(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var calls = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference) continue;
            var type = reader.GetTypeReference((TypeReferenceHandle)member.Parent);
            var typeName = reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
            var memberName = reader.GetString(member.Name);
            if (Forbidden.TryGetValue(typeName, out var members) && (members.Length == 0 || members.Contains(memberName)))
                calls.Add(typeName + "." + memberName);
        }
        return calls.ToList();
    }
}
