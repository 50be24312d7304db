import type { INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_CLIENT } from '../../sample/crawl/http-client';
import { FacebookCrawlService } from '../../sample/crawl/facebook-crawl.service';
import { FacebookCrawlSecrets } from '../../sample/secrets';
import { sampleApp } from './app';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('FacebookCrawlService (a forFeature section)', () => {
  it('builds the Graph API request with the app access token from its DTO, through the injected client', async () => {
    const requests: URL[] = [];
    app = await sampleApp({}, (builder) =>
      builder.overrideProvider(HTTP_CLIENT).useValue(async (url: URL) => {
        requests.push(url);
        return { data: [] };
      }),
    );
    const crawler = app.get(FacebookCrawlService);
    expect(await crawler.posts('websauna')).toEqual({ data: [] });
    expect(requests).toHaveLength(1);
    expect(requests[0].origin + requests[0].pathname).toBe('https://graph.facebook.com/v19.0/websauna/posts');
    expect(requests[0].searchParams.get('access_token')).toBe(app.get(FacebookCrawlSecrets).app_access_token);
  });
});
