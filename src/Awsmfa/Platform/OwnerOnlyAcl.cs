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

    /// <summary>
    /// Why the folder is not the current user's alone, or null: another owner (who may rewrite
    /// the ACL at any time), or an entry that lets another account read, write, delete or change
    /// it. SYSTEM and Administrators are not counted: they can read any file anyway, as root can
    /// on Unix. Entries granting only attributes or traversal (backup agents add those) neither.
    /// </summary>
    public static string? WhyNotPrivate(string path)
    {
        var user = WindowsIdentity.GetCurrent().User;
        DirectorySecurity security;
        AuthorizationRuleCollection rules;
        try
        {
            security = new DirectoryInfo(path).GetAccessControl();
            rules = security.GetAccessRules(includeExplicit: true, includeInherited: true, typeof(SecurityIdentifier));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or PrivilegeNotHeldException or InvalidOperationException)
        {
            return $"{path}'s ACL cannot be read";
        }

        if (security.GetOwner(typeof(SecurityIdentifier)) is SecurityIdentifier owner && owner != user && !IsAdministration(owner))
        {
            return $"{path} belongs to {Name(owner)}";
        }

        foreach (FileSystemAccessRule rule in rules)
        {
            if (rule.AccessControlType == AccessControlType.Allow
                && rule.IdentityReference is SecurityIdentifier sid
                && sid != user
                && !IsAdministration(sid)
                && !sid.IsWellKnown(WellKnownSidType.CreatorOwnerSid)
                && ((int)rule.FileSystemRights & Meaningful) != 0)
            {
                return $"{Name(sid)} can access {path}";
            }
        }

        return null;
    }

    // Reading or listing, writing or creating, deleting, changing the ACL or the owner, and the
    // generic rights that inherit-only entries carry.
    private const int Meaningful = (int)(FileSystemRights.ReadData | FileSystemRights.WriteData | FileSystemRights.AppendData
        | FileSystemRights.DeleteSubdirectoriesAndFiles | FileSystemRights.Delete | FileSystemRights.ChangePermissions
        | FileSystemRights.TakeOwnership) | unchecked((int)0xF0000000);

    private static bool IsAdministration(SecurityIdentifier sid) =>
        sid.IsWellKnown(WellKnownSidType.LocalSystemSid) || sid.IsWellKnown(WellKnownSidType.BuiltinAdministratorsSid);

    /// <summary>The account's name, or its SID where the name cannot be looked up (an unreachable domain controller).</summary>
    private static string Name(SecurityIdentifier sid)
    {
        try
        {
            return sid.Translate(typeof(NTAccount)).Value;
        }
#pragma warning disable CA1031 // Any failure to name an account leaves its SID, which is as precise.
        catch (Exception)
#pragma warning restore CA1031
        {
            return sid.Value;
        }
    }
}
