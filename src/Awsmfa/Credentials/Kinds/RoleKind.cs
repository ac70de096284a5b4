namespace Awsmfa.Credentials;

/// <summary>
/// A role profile: <c>role_arn</c>, assumed with the credentials of its <c>source_profile</c>
/// (any kind, a role too), of <c>credential_source = Environment</c>, or of its own keys. It has
/// no root of its own: the resolver walks <see cref="Next"/> down to the profile that has one.
/// </summary>
internal sealed class RoleKind : IProfileKind
{
    public static readonly RoleKind Instance = new();

    public string Name => "role";

    /// <remarks>botocore: a source profile with static keys is the root, whatever role it names itself; walking past it would sign with another IAM user and assume an extra role.</remarks>
    public bool Matches(ProfileView profile, bool asSource) => profile.Profile.AssumesRole && !(asSource && profile.HasOwnKeys);

    /// <remarks>A profile that is its own source_profile has no other source.</remarks>
    public string? Source(ProfileView profile) =>
        profile.Profile.SourceProfile is { } source && source != profile.Name ? source : profile.Profile.CredentialSource;

    public RootSpec Root(ProfileView profile, KindContext context, string call) =>
        throw new InvalidOperationException("A role's root is its source's: the resolver walks Next.");

    /// <summary>Where the role's credentials come from: another profile, the environment, or its own keys.</summary>
    public static RoleSource Next(ProfileView profile)
    {
        var settings = profile.Profile;
        if (settings.CredentialSource is { } credentialSource)
        {
            return settings.SourceProfile is not null
                ? throw AwsmfaException.Usage($"profile '{profile.Name}' has both source_profile and credential_source; a role profile names one of them")
                : string.Equals(credentialSource, "Environment", StringComparison.OrdinalIgnoreCase)
                    ? RoleSource.Environment
                    : throw AwsmfaException.Usage(
                        $"profile '{profile.Name}' has credential_source = {credentialSource}; awsmfa takes credential_source = Environment only (Ec2InstanceMetadata and EcsContainer credentials belong to a machine, not to a person with an MFA device): use source_profile, or Environment");
        }

        if (settings.SourceProfile is not { } source)
        {
            // aws-vault's reading: a role profile with keys of its own and no source uses them.
            return profile.HasOwnKeys
                ? RoleSource.OwnKeys
                : throw AwsmfaException.Usage(
                    $"profile '{profile.Name}' assumes a role but names no source_profile or credential_source; awsmfa assumes roles from a source_profile with an IAM user's keys, or from credential_source = Environment");
        }

        // The AWS CLI's own shape: a profile that is its own source uses its keys for its role.
        return source == profile.Name && profile.HasOwnKeys ? RoleSource.OwnKeys : RoleSource.Profile(source);
    }
}

/// <summary>Where a role profile's credentials come from.</summary>
/// <param name="SourceProfile">The source_profile, when another profile.</param>
internal sealed record RoleSource(string? SourceProfile, bool FromEnvironment)
{
    public static readonly RoleSource Environment = new(null, true);

    public static readonly RoleSource OwnKeys = new(null, false);

    public static RoleSource Profile(string name) => new(name, false);
}
