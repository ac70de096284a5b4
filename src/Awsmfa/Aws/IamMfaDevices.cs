using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Awsmfa.Aws;

/// <summary>One MFA device of an IAM user, as ListMFADevices shows it.</summary>
internal sealed record MfaDeviceInfo(string SerialNumber, DateTimeOffset? EnableDate);

/// <summary>A virtual MFA device just created: its serial and its seed (the secret an authenticator app holds; never printed unless asked).</summary>
internal sealed record NewVirtualMfaDevice(string SerialNumber, string Base32Seed)
{
    public override string ToString() => $"NewVirtualMfaDevice {{ SerialNumber = {SerialNumber} }}";
}

/// <summary>IAM's MFA-device calls, for the user's own devices.</summary>
internal interface IIamMfaDevices
{
    /// <summary>Every MFA device of the user, every page.</summary>
    Task<IReadOnlyList<MfaDeviceInfo>> ListAsync(string userName, CancellationToken cancellationToken);

    Task<NewVirtualMfaDevice> CreateVirtualAsync(string deviceName, CancellationToken cancellationToken);

    /// <summary>Ties the device to the user with two consecutive codes; a refusal of the codes is <see cref="AwsmfaException.CodeRejected"/>.</summary>
    Task EnableAsync(string userName, string serialNumber, string code1, string code2, CancellationToken cancellationToken);

    Task DeactivateAsync(string userName, string serialNumber, CancellationToken cancellationToken);

    Task DeleteVirtualAsync(string serialNumber, CancellationToken cancellationToken);
}

/// <summary>IAM's MFA-device calls through <see cref="IamQuery"/>.</summary>
internal sealed class IamMfaDevices(IamQuery iam) : IIamMfaDevices
{
    private static readonly XNamespace Iam = IamQuery.Iam;

    /// <summary>More pages than any user has devices (8 at most): a marker that never ends is IAM's bug, not a loop.</summary>
    private const int MaxPages = 50;

    public async Task<IReadOnlyList<MfaDeviceInfo>> ListAsync(string userName, CancellationToken cancellationToken)
    {
        var devices = new List<MfaDeviceInfo>();
        string? marker = null;
        for (var page = 0; page < MaxPages; page++)
        {
            List<KeyValuePair<string, string>> parameters = [new("UserName", userName)];
            if (marker is not null)
            {
                parameters.Add(new("Marker", marker));
            }

            var answer = await iam.CallAsync("ListMFADevices", parameters, cancellationToken).ConfigureAwait(false);
            devices.AddRange(answer.Descendants(Iam + "MFADevices").Elements(Iam + "member")
                .Select(m => new MfaDeviceInfo(
                    (string?)m.Element(Iam + "SerialNumber") ?? "",
                    DateTimeOffset.TryParse((string?)m.Element(Iam + "EnableDate"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var enabled) ? enabled : null))
                .Where(d => d.SerialNumber.Length > 0));
            marker = (string?)answer.Descendants(Iam + "IsTruncated").FirstOrDefault() == "true" ? (string?)answer.Descendants(Iam + "Marker").FirstOrDefault() : null;
            if (marker is null)
            {
                return devices;
            }
        }

        throw new AwsmfaException(ExitCodes.AwsError, $"IAM answered ListMFADevices with more than {MaxPages} pages");
    }

    public async Task<NewVirtualMfaDevice> CreateVirtualAsync(string deviceName, CancellationToken cancellationToken)
    {
        var answer = await iam.CallAsync("CreateVirtualMFADevice", [new("VirtualMFADeviceName", deviceName)], cancellationToken).ConfigureAwait(false);
        var device = answer.Descendants(Iam + "VirtualMFADevice").FirstOrDefault();
        var serial = (string?)device?.Element(Iam + "SerialNumber");
        var seed = Seed((string?)device?.Element(Iam + "Base32StringSeed"));
        return serial is { Length: > 0 } && seed is not null
            ? new NewVirtualMfaDevice(serial, seed)
            : throw new AwsmfaException(ExitCodes.AwsError, "IAM answered CreateVirtualMFADevice without a serial number and a Base32 seed");
    }

    /// <summary>The seed is a blob: base64 of the Base32 text (as the AWS CLI decodes it); null when it is neither.</summary>
    private static string? Seed(string? blob)
    {
        if (blob is null)
        {
            return null;
        }

        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(blob.Trim()));
            return Credentials.Totp.IsBase32(text) ? text : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public Task EnableAsync(string userName, string serialNumber, string code1, string code2, CancellationToken cancellationToken) =>
        iam.CallAsync(
            "EnableMFADevice",
            [new("UserName", userName), new("SerialNumber", serialNumber), new("AuthenticationCode1", code1), new("AuthenticationCode2", code2)],
            cancellationToken);

    public Task DeactivateAsync(string userName, string serialNumber, CancellationToken cancellationToken) =>
        iam.CallAsync("DeactivateMFADevice", [new("UserName", userName), new("SerialNumber", serialNumber)], cancellationToken);

    public Task DeleteVirtualAsync(string serialNumber, CancellationToken cancellationToken) =>
        iam.CallAsync("DeleteVirtualMFADevice", [new("SerialNumber", serialNumber)], cancellationToken);
}
