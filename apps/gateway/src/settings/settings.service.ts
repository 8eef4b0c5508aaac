import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { SettingEntity } from './setting.entity';

@Injectable()
export class SettingsService {
  constructor(
    @InjectRepository(SettingEntity) private readonly settings: Repository<SettingEntity>,
  ) {}

  /**
   * The stored value of a setting, made with `make` when there is none yet.
   * Gateways starting together each try to insert theirs; the primary key
   * keeps the first, and all of them read that one back.
   */
  async ensure(name: string, make: () => string): Promise<string> {
    await this.settings
      .createQueryBuilder()
      .insert()
      .into(SettingEntity)
      .values({ name, value: make(), createdAt: new Date() })
      .orIgnore()
      .execute();
    const setting = await this.settings.findOneByOrFail({ name });
    return setting.value;
  }
}
