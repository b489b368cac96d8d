using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// A throwaway certificate authority and a server certificate it issued for 127.0.0.1, as PEM
/// files, for services a test runs over HTTPS on loopback (Azurite with bearer tokens, which it
/// accepts over HTTPS only). A child process trusts the authority through <c>SSL_CERT_FILE</c>; this
/// process through <see cref="Validate"/>.
/// </summary>
public sealed class LoopbackTls : IDisposable
{
    private readonly X509Certificate2 _authority;

    public LoopbackTls(string directory)
    {
        using var authorityKey = RSA.Create(2048);
        var authorityRequest = new CertificateRequest("CN=Seqline tests CA", authorityKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        _authority = authorityRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(_authority, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        AuthorityFile = Path.Combine(directory, "ca.pem");
        CertificateFile = Path.Combine(directory, "server.pem");
        KeyFile = Path.Combine(directory, "server-key.pem");
        File.WriteAllText(AuthorityFile, _authority.ExportCertificatePem());
        File.WriteAllText(CertificateFile, server.ExportCertificatePem());
        File.WriteAllText(KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>The authority's certificate (PEM): what <c>SSL_CERT_FILE</c> names for a child process.</summary>
    public string AuthorityFile { get; }

    /// <summary>The server certificate (PEM), issued for 127.0.0.1 and localhost.</summary>
    public string CertificateFile { get; }

    /// <summary>The server certificate's private key (PKCS#8 PEM).</summary>
    public string KeyFile { get; }

    /// <summary>A server certificate check that trusts this authority alone.</summary>
    public bool Validate(X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var own = new X509Chain();
        own.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        own.ChainPolicy.CustomTrustStore.Add(_authority);
        own.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return own.Build(certificate);
    }

    public void Dispose() => _authority.Dispose();
}
