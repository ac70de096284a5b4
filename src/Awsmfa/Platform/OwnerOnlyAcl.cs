using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace Awsmfa.Platform;

/// <summary>
/// Windows' counterpart of a 0700 folder: an ACL that grants the current user full control and
/// nobody else anything (no inherited entries from the profile folder, no Administrators,
/// no SYSTEM), inherited by every file and folder made inside.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class OwnerOnlyAcl
{
    public static DirectorySecurity ForCurrentUser()
    {
        var user = WindowsIdentity.GetCurrent().User ?? throw new InvalidOperationException("The current user has no SID.");
        var security = new DirectorySecurity();
        security.SetOwner(user);
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        security.AddAccessRule(new FileSystemAccessRule(
            user,
            FileSystemRights.FullControl,
            InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit,
            PropagationFlags.None,
            AccessControlType.Allow));
        return security;
    }

    public static void CreateDirectory(string path) => new DirectoryInfo(path).Create(ForCurrentUser());
}
