import { Matches } from 'class-validator';

export class MongoEnv {
  @Matches(/^mongodb(\+srv)?:\/\/[^\s]+$/, { message: '$property must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI = 'mongodb://127.0.0.1:27017/medical_reports';
}
