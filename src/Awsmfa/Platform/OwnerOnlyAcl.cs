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
    /// An account other than the current user that the folder's ACL lets in, or null. SYSTEM and
    /// Administrators are not counted: they can read any file anyway, as root can on Unix.
    /// </summary>
    public static string? OtherAccount(string path)
    {
        var user = WindowsIdentity.GetCurrent().User;
        AuthorizationRuleCollection rules;
        try
        {
            rules = new DirectoryInfo(path).GetAccessControl().GetAccessRules(includeExplicit: true, includeInherited: true, typeof(SecurityIdentifier));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or PrivilegeNotHeldException)
        {
            return "someone (its ACL cannot be read)";
        }

        foreach (FileSystemAccessRule rule in rules)
        {
            if (rule.AccessControlType != AccessControlType.Allow || rule.IdentityReference is not SecurityIdentifier sid)
            {
                continue;
            }

            if (sid == user
                || sid.IsWellKnown(WellKnownSidType.LocalSystemSid)
                || sid.IsWellKnown(WellKnownSidType.BuiltinAdministratorsSid)
                || sid.IsWellKnown(WellKnownSidType.CreatorOwnerSid))
            {
                continue;
            }

            try
            {
                return sid.Translate(typeof(NTAccount)).Value;
            }
            catch (IdentityNotMappedException)
            {
                return sid.Value;
            }
        }

        return null;
    }
}
