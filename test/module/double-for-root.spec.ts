import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { SecretsModule } from '../../lib';
import { FacebookSecrets } from './fixtures';

const values = { facebook: { consumer_key: 'k', consumer_secret: 's' } };

describe('a second forRoot', () => {
  it('is a clear error mentioning forRoot', async () => {
    @Module({ imports: [SecretsModule.forRoot({ logger: false, sections: [FacebookSecrets], values })] })
    class FeatureModule {}
    @Module({ imports: [SecretsModule.forRoot({ logger: false, sections: [FacebookSecrets], values }), FeatureModule] })
    class AppModule {}
    const error = await Test.createTestingModule({ imports: [AppModule] })
      .compile()
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(
      'SecretsModule.forRoot() is imported 2 times in this application: call forRoot once, in the root module, and use SecretsModule.forFeature([...]) in feature modules',
    );
  });

  it('is detected per application: two test apps each with one forRoot both start', async () => {
    const make = async () => {
      @Module({ imports: [SecretsModule.forRoot({ logger: false, sections: [FacebookSecrets], values })] })
      class AppModule {}
      return Test.createTestingModule({ imports: [AppModule] }).compile();
    };
    const [a, b] = await Promise.all([make(), make()]);
    expect(a.get(FacebookSecrets).consumer_key).toBe('k');
    expect(b.get(FacebookSecrets).consumer_key).toBe('k');
    await Promise.all([a.close(), b.close()]);
  });
});
