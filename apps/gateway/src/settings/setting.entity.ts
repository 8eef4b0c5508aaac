import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `gateway.settings`: values every gateway replica must share, made once by whichever starts first. */
@Entity({ name: 'settings' })
export class SettingEntity {
  @PrimaryColumn('text')
  name!: string;

  @Column('text')
  value!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
