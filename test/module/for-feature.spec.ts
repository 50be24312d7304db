import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { IsNotEmpty, IsString } from 'class-validator';
import { SecretsError, SecretsModule, SecretsSection, SecretsService } from '../../lib';
import { DatabaseSecrets, FacebookSecrets } from './fixtures';

const values = { facebook: { consumer_key: 'k', consumer_secret: 's' }, database: { password: 'p', port: '5432' } };

@Injectable()
class Repository {
  constructor(readonly database: DatabaseSecrets) {}
}

describe('SecretsModule.forFeature', () => {
  it('registers more sections from a feature module, from the same values', async () => {
    @Module({ imports: [SecretsModule.forFeature([DatabaseSecrets])], providers: [Repository] })
    class DataModule {}
    @Module({ imports: [SecretsModule.forRoot({ logger: false, sections: [FacebookSecrets], values }), DataModule] })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(Repository).database.port).toBe(5432);
    expect(app.get(SecretsService).section(DatabaseSecrets)).toBe(app.get(Repository).database);
    await app.close();
  });

  it('validates its sections at start-up together with the root sections, every problem in one SecretsError', async () => {
    @Module({ imports: [SecretsModule.forFeature([DatabaseSecrets])], providers: [Repository] })
    class DataModule {}
    @Module({
      imports: [
        SecretsModule.forRoot({
          logger: false,
          sections: [FacebookSecrets],
          values: { facebook: { consumer_key: '', consumer_secret: 's' }, database: { password: 'p', port: 'x' } },
        }),
        DataModule,
      ],
    })
    class AppModule {}
    const error = await Test.createTestingModule({ imports: [AppModule] })
      .compile()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).codes).toEqual(['EMPTY_VALUE', 'CONVERSION']);
  });
});

describe('a section shared by a root DTO and a feature DTO', () => {
  @SecretsSection('facebook')
  class FacebookGraphSecrets {
    @IsString() @IsNotEmpty() app_access_token!: string;
  }

  it('is not UNKNOWN_KEY for the keys the other DTO declares', async () => {
    @Module({ imports: [SecretsModule.forFeature([FacebookGraphSecrets])] })
    class GraphModule {}
    @Module({
      imports: [
        SecretsModule.forRoot({
          logger: false,
          sections: [FacebookSecrets],
          values: { facebook: { consumer_key: 'k', consumer_secret: 's', app_access_token: 't' } },
        }),
        GraphModule,
      ],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(FacebookGraphSecrets).app_access_token).toBe('t');
    expect(app.get(FacebookSecrets).consumer_key).toBe('k');
    await app.close();
  });
});

describe('forFeature without forRoot', () => {
  it('is a clear error naming forRoot', async () => {
    @Module({ imports: [SecretsModule.forFeature([DatabaseSecrets])], providers: [Repository] })
    class DataModule {}
    const error = await Test.createTestingModule({ imports: [DataModule] })
      .compile()
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe(
      'SecretsModule.forFeature() needs SecretsModule.forRoot() in the application: import forRoot once, in the root module',
    );
  });
});
