import { IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';

class Probe {
  @IsString() name!: string;
}

describe('toolchain', () => {
  it('emits design:type metadata', () => {
    expect(Reflect.getMetadata('design:type', Probe.prototype, 'name')).toBe(String);
  });
});
