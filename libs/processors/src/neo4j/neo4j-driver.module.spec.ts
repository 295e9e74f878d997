import { neo4jTarget } from './neo4j-driver.module';

describe('neo4jTarget', () => {
  it('turns a verified TLS scheme with a CA file into the plain scheme, encrypted and trusting that CA', () => {
    expect(neo4jTarget('bolt+s://localhost:7687', '/tls/ca.crt')).toEqual({
      uri: 'bolt://localhost:7687',
      encryption: {
        encrypted: 'ENCRYPTION_ON',
        trust: 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES',
        trustedCertificates: ['/tls/ca.crt'],
      },
    });
    expect(neo4jTarget('neo4j+s://db.example', '/tls/ca.crt').uri).toBe('neo4j://db.example');
  });

  it.each([
    ['bolt://localhost:7687', '/tls/ca.crt'],
    ['bolt+s://localhost:7687', undefined],
    ['bolt+ssc://localhost:7687', '/tls/ca.crt'],
  ])('leaves %s (CA %s) to the driver', (uri, ca) => {
    expect(neo4jTarget(uri, ca)).toEqual({ uri, encryption: {} });
  });
});
