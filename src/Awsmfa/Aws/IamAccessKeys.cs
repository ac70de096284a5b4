using System.Globalization;
using System.Xml.Linq;

namespace Awsmfa.Aws;

/// <summary>One access key of an IAM user, as ListAccessKeys shows it.</summary>
internal sealed record AccessKeyInfo(string AccessKeyId, string Status, DateTimeOffset? Created);

/// <summary>The three IAM calls of <c>keys rotate</c>, signed with the MFA session.</summary>
internal interface IIamAccessKeys
{
    Task<IReadOnlyList<AccessKeyInfo>> ListAsync(string userName, CancellationToken cancellationToken);

    Task<LongTermCredentials> CreateAsync(string userName, CancellationToken cancellationToken);

    Task DeleteAsync(string userName, string accessKeyId, CancellationToken cancellationToken);
}

/// <summary>The access-key calls of IAM, through <see cref="IamQuery"/>.</summary>
internal sealed class IamAccessKeys(IamQuery iam) : IIamAccessKeys
{
    private static readonly XNamespace Iam = IamQuery.Iam;

    public async Task<IReadOnlyList<AccessKeyInfo>> ListAsync(string userName, CancellationToken cancellationToken)
    {
        var answer = await iam.CallAsync("ListAccessKeys", [new("UserName", userName)], cancellationToken).ConfigureAwait(false);
        return answer.Descendants(Iam + "AccessKeyMetadata").Elements(Iam + "member")
            .Select(m => new AccessKeyInfo(
                (string?)m.Element(Iam + "AccessKeyId") ?? "",
                (string?)m.Element(Iam + "Status") ?? "",
                DateTimeOffset.TryParse((string?)m.Element(Iam + "CreateDate"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null))
            .ToList();
    }

    public async Task<LongTermCredentials> CreateAsync(string userName, CancellationToken cancellationToken)
    {
        var answer = await iam.CallAsync("CreateAccessKey", [new("UserName", userName)], cancellationToken).ConfigureAwait(false);
        var key = answer.Descendants(Iam + "AccessKey").FirstOrDefault();
        var id = (string?)key?.Element(Iam + "AccessKeyId");
        var secret = (string?)key?.Element(Iam + "SecretAccessKey");
        return Credentials.StsAnswer.HasValidKeyShape(id, secret)
            ? new LongTermCredentials(id!, secret!)
            : throw new AwsmfaException(ExitCodes.AwsError, "IAM answered CreateAccessKey without a usable key");
    }

    public Task DeleteAsync(string userName, string accessKeyId, CancellationToken cancellationToken) =>
        iam.CallAsync("DeleteAccessKey", [new("UserName", userName), new("AccessKeyId", accessKeyId)], cancellationToken);
}
